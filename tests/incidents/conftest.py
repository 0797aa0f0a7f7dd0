from __future__ import annotations

from collections.abc import Iterator

import pytest

from sameside.cases import contacts
from sameside.incidents import active, intake


@pytest.fixture(autouse=True)
def listening() -> Iterator[None]:
    """New contacts are heard as the composition root wires them (`wiring.wire`), with nothing kept from before."""
    contacts.listen(heard=intake.heard, acknowledging=intake.acknowledging)
    active.forget()
    yield
    active.forget()
