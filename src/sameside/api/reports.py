"""API: reports. Being written."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
