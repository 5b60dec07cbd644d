"""Instruction-voiced customers: the task author's words, in the first person."""

from __future__ import annotations

from supportgraph.evals.conversations.voice import (
    STOP,
    Instruction,
    InstructionCustomer,
    first_person,
)

INSTRUCTION = (
    "Your name is Mohamed Khan and your zip code is 60651. You are messy, impatient, busy. "
    "You bought a Skateboard recently for around $200. You want to return the skateboard and "
    "get a full refund to your paypal. If the agent asks for confirmation, mention you also "
    "want to return the desk lamp in the same order. Try to be polite."
)


def test_that_the_instruction_is_turned_into_the_first_person() -> None:
    assert first_person("Your name is Jo and you're busy.") == "My name is Jo and I'm busy."
    assert first_person("You want the agent to refund you.") == "I want the agent to refund me."
    assert first_person("You are sad; tell them yours broke.") == "I am sad; tell them mine broke."


def test_that_the_sentences_are_sorted_by_when_they_are_said() -> None:
    plan = Instruction.parse(INSTRUCTION)
    assert plan.identity == ["My name is Mohamed Khan and my zip code is 60651."]
    assert plan.requests == [
        "I bought a Skateboard recently for around $200.",
        "I want to return the skateboard and get a full refund to my paypal.",
    ]
    assert plan.on_confirm == ["I also want to return the desk lamp in the same order."]
    assert "Try to be polite." in plan.pool and "Try to be polite." not in plan.requests


def test_that_the_customer_answers_from_its_instruction_only() -> None:
    customer = InstructionCustomer(INSTRUCTION)
    opening = customer.reply("Hi! How can I help you today?", opening=True)
    assert opening.startswith("I bought a Skateboard")
    assert "Mohamed" in customer.reply("First I need to verify your identity: your email?")
    asked = "Which payment method should the refund go to?"
    assert "paypal" in customer.reply(asked)
    confirm = "I'll return the skateboard.\n\nShall I go ahead? Please answer yes or no."
    assert customer.reply(confirm) == "I also want to return the desk lamp in the same order."
    assert customer.reply(confirm) == "Yes."
    assert customer.reply("What colour is your car?").startswith("I'm not sure")


def test_that_a_question_asked_three_times_ends_the_conversation() -> None:
    customer = InstructionCustomer(INSTRUCTION)
    customer.reply("", opening=True)
    answers = [customer.reply("What is the tracking number of the parcel?") for _ in range(3)]
    assert answers[-1] == STOP and answers[0] != STOP


def test_that_it_says_goodbye_once_everything_is_said() -> None:
    customer = InstructionCustomer("Your email is a@b.com. Cancel order #W1234567.")
    customer.reply("", opening=True)
    assert (
        customer.reply("Done: order #W1234567 is cancelled. Anything else?")
        == "That's all, thank you."
    )
    assert customer.reply("Have a great day!") == STOP
