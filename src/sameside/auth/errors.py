from sameside.kit.errors import Unauthenticated


class BadCredentials(Unauthenticated):
    title = "Sign-in failed"
    slug = "bad-credentials"


class BadMagicLink(Unauthenticated):
    title = "Sign-in link not valid"
    slug = "bad-magic-link"
