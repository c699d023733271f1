"""Answers of the operations routes."""

from pydantic import BaseModel

from app.core import examples as ex


class Health(BaseModel):
    model_config = ex.examples({"status": "ok"})

    status: str
