from sameside.kit.errors import Conflict, Invalid, NotFound


class StaffNotFound(NotFound):
    pass


class TeamNotFound(NotFound):
    pass


class DepartmentNotFound(NotFound):
    pass


class DuplicateStaff(Conflict):
    pass


class DuplicateSlug(Conflict):
    pass


class WeakPassword(Invalid):
    pass


class DuplicateTeamAddress(Conflict):
    pass
