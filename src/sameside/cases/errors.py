from sameside.kit.errors import NotFound


class CaseNotFound(NotFound):
    pass
