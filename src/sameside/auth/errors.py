from sameside.kit.errors import Forbidden, NotFound, Unauthenticated


class BadCredentials(Unauthenticated):
    title = "Sign-in failed"
    slug = "bad-credentials"


class BadMagicLink(Unauthenticated):
    title = "Sign-in link not valid"
    slug = "bad-magic-link"


class BadConfirmationLink(NotFound):
    title = "Confirmation link not valid"
    slug = "bad-confirmation-link"


class SignInToConfirm(Forbidden):
    title = "Sign in as the customer to confirm"
    slug = "sign-in-to-confirm"


class CrossSiteSignIn(Forbidden):
    """A sign-in form posted from another site, or without the token our own form carries (login CSRF)."""

    title = "Sign-in form not from this site"
    slug = "cross-site-sign-in"
