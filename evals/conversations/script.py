"""A task's customer script: identify, one request and a yes per gold action, then goodbye."""

from __future__ import annotations

import random
from typing import Any

from supportgraph.evals.conversations.phrasing import Phrasebook
from supportgraph.evals.conversations.requests import Request, express
from supportgraph.evals.conversations.tasks import Records, Task

SEED = 20261121
"""Mixed with each task id, so a task's wording does not depend on the tasks around it."""

YES = (
    "yes",
    "yes",
    "yes",
    "Yes, please.",
    "Yes, go ahead.",
    "yes please",
    "Yep, that's right.",
    "Sure, go ahead.",
    "Yes, that's correct.",
)
CLOSINGS = (
    "that's all, thanks",
    "That's all, thanks!",
    "That's everything, thank you.",
    "That's all for today, thanks for your help.",
    "that's all, thank you",
)


def rng_for(key: str, seed: int = SEED) -> random.Random:
    """The generator of one conversation."""
    return random.Random(f"{seed}:{key}")


def identify(user: dict[str, Any], how: str, book: Phrasebook) -> str:
    """The customer's first message: who they are, by email or by name and zip."""
    first, last = user["name"]["first_name"], user["name"]["last_name"]
    if how == "email":
        email = user["email"]
        text = book.pick(
            f"Hi, my email is {email}.",
            f"Hello, it's {email}.",
            f"Hi! I need help with my orders. My email address is {email}.",
            f"Hi, I'm {first} {last}, email {email}.",
        )
    else:
        zip_code = user["address"]["zip"]
        text = book.pick(
            f"Hi, I'm {first} {last}, zip code {zip_code}.",
            f"Hello, my name is {first} {last} and my zip is {zip_code}.",
            f"Hi! I need some help with my orders. I'm {first} {last}, {zip_code}.",
            f"{first} {last}, zip {zip_code}",
        )
    return book.styled(text, thanks=False)


def customer(records: Records, user_id: str) -> dict[str, Any]:
    """The user record with its id, as the request writers expect."""
    return {**records.users[user_id], "user_id": user_id}


def task_script(task: Task, records: Records, seed: int = SEED) -> tuple[list[str], list[Request]]:
    """The customer turns of a task, and the request behind each gold action.

    Raises:
        Unexpressible: some gold action has no customer wording.
    """
    book = Phrasebook(rng_for(task.task_id, seed), task.persona)
    user = customer(records, task.user_id)
    turns = [identify(user, task.identity, book)]
    requests = [express(action, user, records, book) for action in task.actions]
    for request in requests:
        turns += [request.text, book.pick(*YES)]
    if not requests:
        turns.append(_status_question(task, user, book))
    turns.append(book.pick(*CLOSINGS))
    return turns, requests


def _status_question(task: Task, user: dict[str, Any], book: Phrasebook) -> str:
    """A task with nothing to change still has a question: about the order it names."""
    named = [o for o in user["orders"] if o in task.instruction] or user["orders"][:1]
    return book.pick(
        f"Can you tell me what's in order {named[0]}?", f"What's the status of my order {named[0]}?"
    )
