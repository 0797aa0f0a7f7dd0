from sameside.kit.errors import Conflict, NotFound


class CustomerNotFound(NotFound):
    pass


class IdentityTaken(Conflict):
    pass


class IdentityNotFound(NotFound):
    pass
