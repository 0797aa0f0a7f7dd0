"""Tasks by name: each domain's `tasks.py` registers its handlers; nothing else may be enqueued or run.

    @task("consults.flag_overdue")
    def flag_overdue(run: Run) -> bool:
        with run.unit_of_work() as session:
            return flag_overdue_consults(session) > 0

A name is registered when its module is imported; `wiring` imports every
`tasks.py` (the one list of them), so any process that has loaded `wiring`
— the server, the CLI, the worker, the tests — knows them all, and
`enqueue` refuses a name nobody handles instead of leaving a row no worker
will ever claim.

A handler returns whether it did anything: a scheduled chore that did is run
again on the worker's next round instead of after its interval, so a backlog
drains at full speed. Handlers may run twice (a worker that dies loses its
lease and another runs the job again): they must be safe to repeat.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from sameside.jobs.run import Run

Handler = Callable[[Run], bool]


class UnknownTask(LookupError):
    def __init__(self, name: str) -> None:
        super().__init__(
            f"no task is registered as {name!r}: register its handler in a tasks.py that sameside.wiring imports"
        )
        self.name = name


class Registry:
    def __init__(self) -> None:
        self._handlers: dict[str, Handler] = {}

    def register(self, name: str, handler: Handler) -> Handler:
        """Handle `name` with `handler`; a second handler for one name is a mistake, refused."""
        known = self._handlers.get(name)
        if known is not None and known is not handler:
            raise ValueError(f"task {name!r} is registered twice: {_where(known)} and {_where(handler)}")
        self._handlers[name] = handler
        return handler

    def task(self, name: str) -> Callable[[Handler], Handler]:
        """Register the decorated function as the handler of `name`."""

        def decorate(handler: Handler) -> Handler:
            return self.register(name, handler)

        return decorate

    def handler(self, name: str) -> Handler:
        try:
            return self._handlers[name]
        except KeyError:
            raise UnknownTask(name) from None

    def require(self, names: Iterable[str]) -> None:
        """Raise `UnknownTask` for the first of `names` that nobody handles."""
        for name in names:
            self.handler(name)

    def names(self) -> tuple[str, ...]:
        return tuple(sorted(self._handlers))

    def __contains__(self, name: object) -> bool:
        return name in self._handlers


def _where(handler: Handler) -> str:
    return f"{getattr(handler, '__module__', '?')}.{getattr(handler, '__qualname__', repr(handler))}"


registry = Registry()
"""The process's tasks, filled as each `tasks.py` is imported."""
task = registry.task
register = registry.register
