"""The document page (original left, fields right) and what reviewers do there: fix, approve, reject, retry.

Every action goes through ``pipeline.review_actions`` with the form's version, so a document another
reviewer changed meanwhile is refused (409) instead of overwritten, and every action is audited.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from pipeline import review
from pipeline.db.models import Document
from pipeline.review_actions import ActionResult, ConflictError, ReviewError, approve, fix, reject, retry
from pipeline.users import User
from pipeline.web import pages
from pipeline.web.auth import current_user, reviewer
from pipeline.web.fields import sections
from pipeline.web.originals import original
from pipeline.web.queue_page import QueueView, neighbours
from pipeline.web.rendering import context_of, flash, render
from pipeline.web.security import INERT_POLICY
from schemas import Status

router = APIRouter()


def _document(request: Request, document_id: int) -> Document:
    with context_of(request).sessions() as session:
        row = session.get(Document, document_id)
    if row is None:
        raise HTTPException(404, f"There is no document {document_id}.")
    return row


@router.get("/documents/{document_id}")
def document_page(request: Request, document_id: int, user: User = Depends(current_user)):
    context = context_of(request)
    view = QueueView.from_request(request)
    with context.sessions() as session:
        info = review.detail(session, context.store, document_id)
        if info is None:
            raise HTTPException(404, f"There is no document {document_id}.")
        row = session.get(Document, document_id)
        previous, following, position, total = neighbours(session, view, row)
        fields, loose = sections(session, info["document"], info["corrections"], info["findings"]) \
            if info["document"] else ([], info["findings"])
    used = {p["segment_no"] for p in ((info["document"] or {}).get("provenance") or {}).values() if "segment_no" in p}
    marked = {f["location"]["segment_no"] for f in info["findings"] if (f["location"] or {}).get("segment_no")}
    shown = original(context.store, info["sha256"], info["format"], info["children"], used)
    return render(request, "document.html", info=info, view=view, sections=fields, loose=loose, original=shown,
                  used=used, marked=marked, previous=previous, following=following, position=position,
                  total=total, in_review=info["state"] == Status.NEEDS_REVIEW.value,
                  can_act=user.can_act)


@router.get("/documents/{document_id}/raw")
def raw(request: Request, document_id: int, user: User = Depends(current_user)):
    """The raw bytes as a download: never rendered by the browser, whatever they claim to be."""
    row = _document(request, document_id)
    store = context_of(request).store
    if not store.exists(row.sha256):
        raise HTTPException(404, f"The raw bytes of document {document_id} are not in the raw store.")
    return Response(store.get(row.sha256), media_type="application/octet-stream", headers={
        "content-disposition": f'attachment; filename="document-{document_id}.bin"',
        "content-security-policy": INERT_POLICY})


@router.get("/documents/{document_id}/pages/{number}.png")
def page_image(request: Request, document_id: int, number: int, user: User = Depends(current_user)):
    row = _document(request, document_id)
    try:
        png = pages.page_png(context_of(request).store, row.sha256, number)
    except (pages.PageError, FileNotFoundError):
        png = None
    if png is None:
        raise HTTPException(404, f"Document {document_id} has no page image {number}.")
    return Response(png, media_type="image/png", headers={"cache-control": "private, max-age=86400"})


# -- actions ---------------------------------------------------------------------------------------


def _act(request: Request, document_id: int, action, after_done: bool, **kwargs) -> Response:
    """Run a review action; a refusal is shown with its reason, a conflict as 409 with what to do."""
    view = QueueView.from_request(request)
    suffix = f"?{view.query()}" if view.query() else ""
    try:
        result: ActionResult = action(context_of(request), document_id, **kwargs)
    except ConflictError as exc:
        return render(request, "error.html", status_code=409, title="Changed by someone else",
                      message=f"{exc}. Your change was not saved.",
                      link=(f"/documents/{document_id}{suffix}", "Reload the document"))
    except ReviewError as exc:
        if _exists(request, document_id):
            flash(request, str(exc), "error")
            return RedirectResponse(f"/documents/{document_id}{suffix}", status_code=303)
        raise HTTPException(404, str(exc)) from None
    flash(request, result.message, "warning" if result.state == Status.NEEDS_REVIEW.value else "success")
    if after_done and result.state != Status.NEEDS_REVIEW.value:
        with context_of(request).sessions() as session:
            _previous, following, _position, _total = neighbours(session, view, session.get(Document, document_id))
        if following is not None:
            return RedirectResponse(f"/documents/{following}{suffix}", status_code=303)
        return RedirectResponse(f"/queue{suffix}", status_code=303)
    return RedirectResponse(f"/documents/{document_id}{suffix}", status_code=303)


def _exists(request: Request, document_id: int) -> bool:
    with context_of(request).sessions() as session:
        return session.get(Document, document_id) is not None


def _version(value: str) -> int | None:
    """The version the form was drawn from; a form without one cannot be checked and is refused."""
    try:
        return int(value)
    except ValueError:
        raise HTTPException(400, "The form has no document version; reload the page and try again.") from None


@router.post("/documents/{document_id}/fix")
def fix_field(request: Request, document_id: int, field: str = Form(...), value: str = Form(""),
              version: str = Form(""), user: User = Depends(reviewer)):
    return _act(request, document_id, fix, after_done=False, field=field, value=value.strip() or None,
                actor=user.name, expected_version=_version(version))


@router.post("/documents/{document_id}/approve")
def approve_document(request: Request, document_id: int, reason: str = Form(""), version: str = Form(""),
                     user: User = Depends(reviewer)):
    return _act(request, document_id, approve, after_done=True, actor=user.name, reason=reason.strip() or None,
                expected_version=_version(version))


@router.post("/documents/{document_id}/reject")
def reject_document(request: Request, document_id: int, reason: str = Form(""), version: str = Form(""),
                    user: User = Depends(reviewer)):
    return _act(request, document_id, reject, after_done=True, actor=user.name, reason=reason,
                expected_version=_version(version))


@router.post("/documents/{document_id}/retry")
def retry_document(request: Request, document_id: int, version: str = Form(""), user: User = Depends(reviewer)):
    return _act(request, document_id, retry, after_done=True, actor=user.name, expected_version=_version(version))
