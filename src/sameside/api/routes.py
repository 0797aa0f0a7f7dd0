"""Assembles API v1."""

from __future__ import annotations

from fastapi import APIRouter

from sameside.api import (
    admin,
    auth,
    cases,
    consults,
    customers,
    escalations,
    grants,
    mail,
    notifications,
    offers,
    remedies,
    reports,
)
from sameside.api.attachments import router as attachments_router
from sameside.api.audit import router as audit_router
from sameside.api.business import router as business_router
from sameside.api.calls import router as calls_router
from sameside.api.case_links import router as case_links_router
from sameside.api.chats import router as chats_router
from sameside.api.coach import router as coach_router
from sameside.api.feedback import router as feedback_router
from sameside.api.incidents import router as incidents_router
from sameside.api.invitations import router as invitations_router
from sameside.api.knowledge import router as knowledge_router
from sameside.api.repeats import router as repeats_router
from sameside.api.saved_replies import router as saved_replies_router
from sameside.api.search import router as search_router
from sameside.api.service_levels import router as service_levels_router
from sameside.api.surveys import router as surveys_router
from sameside.api.webhooks import router as webhooks_router

router = APIRouter(prefix="/api/v1")
router.include_router(auth.router)
router.include_router(cases.router)
router.include_router(attachments_router)
router.include_router(customers.router)
router.include_router(invitations_router)  # before admin's /staff/{staff_id}: /staff/invitations is not an id
router.include_router(admin.router)
router.include_router(mail.router)
router.include_router(consults.router)
router.include_router(escalations.router)
router.include_router(notifications.router)
router.include_router(reports.router)
router.include_router(grants.router)
router.include_router(offers.router)
router.include_router(remedies.router)
router.include_router(chats_router)
router.include_router(service_levels_router)
router.include_router(surveys_router)
router.include_router(search_router)
router.include_router(knowledge_router)
router.include_router(coach_router)
router.include_router(case_links_router)
router.include_router(incidents_router)
router.include_router(saved_replies_router)
router.include_router(audit_router)
router.include_router(business_router)
router.include_router(repeats_router)
router.include_router(calls_router)
router.include_router(feedback_router)
router.include_router(webhooks_router)
