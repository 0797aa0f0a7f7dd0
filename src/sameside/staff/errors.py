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


class InvitationNotFound(NotFound):
    pass


class AlreadyInvited(Conflict):
    title = "Already invited"
    slug = "already-invited"


class InvitationClosed(Conflict):
    """The invitation was accepted or revoked: nothing more can be done with it."""

    title = "Invitation closed"
    slug = "invitation-closed"


class BadInvitation(NotFound):
    """An invitation link that is unknown, used, revoked or expired: what the invitee can do says which."""

    title = "Invitation link not valid"
    slug = "bad-invitation"


class LastAdmin(Conflict):
    title = "The last admin"
    slug = "last-admin"


class NotYourself(Conflict):
    title = "Not yourself"
    slug = "not-yourself"
