"""Templates for bare answers to the agent's questions, and for greetings that carry identity.

Customers answer a question with a fragment: which order ("the pending one"), which item,
which option, which payment method, a new address, or the cancellation reason. A fragment
that only fills in a detail is `identify`, like a name or an email: it starts no new request,
so it must not read as a goodbye or a question. A reason is `cancel_order`, the only flow that
asks for one. A first message that greets, asks for help in general and gives identity
details is `identify` too, not a request for a human or for account information.

Placeholders as in `nlu.templates`.
"""

from __future__ import annotations

ANSWER_TEMPLATES: dict[str, list[str]] = {
    "identify": [
        # Greeting, a general plea for help, and identity details.
        "Hi! I need help with my orders. My email address is {email}.",
        "Hello, I need some help with an order. I'm {name}, {zip}.",
        "Hi, I'm {name}, email {email}.",
        "Hey, it's {email}.",
        "Hello, it's {email}.",
        "Hi there, I have an issue with my orders. My name is {name} and my zip is {zip}.",
        "Good morning, I could use some help. My email is {email}.",
        "hi! i need some help with my orders. i'm {name}, {zip}.",
        "Hello! Could you help me with my purchases? You can find me under {email}.",
        "Hi, I'm {name} from zip code {zip} and I need help with a few orders.",
        "Hey there, {name} here, zip {zip}. I need a hand with my account.",
        "I need help with something I bought. My email is {email}.",
        "Hi, I'm {name}. My zip code is {zip}. I have some questions about my orders.",
        "Hello, this is {name}, email {email}. Can you help me with my orders?",
        "Hi, I'd like some help with my orders, my email is {email}.",
        "Good afternoon! I'm {name}, {zip}. I need some assistance.",
        # Which order.
        "the pending one",
        "the delivered one",
        "the one that was delivered",
        "the one that hasn't shipped yet",
        "it's the one with the {prod}",
        "the order with the {prod} in it",
        "the one with the {prod}",
        "it's {order}",
        "order {order}",
        "{order}",
        "the most recent one",
        "the first one",
        "the second one",
        "the other order",
        "I mean {order}",
        # Which item or option.
        "the {prod}",
        "just the {prod}",
        "only the {prod}, not the {prod2}",
        "the {prod} and the {prod2}",
        "both of them",
        "{opt}",
        "{opt}, please",
        "I'd like {opt}",
        "make it {opt}",
        "the {opt} one",
        "the same one as before",
        "a brand-new identical one",
        # Which payment method, or where to send it.
        "{pay}",
        "refund to {pay}",
        "put it on {pay}",
        "use {pay}",
        "{pay}, please",
        "charge {pay}",
        "to {pay} please",
        "the original payment method",
        "back to the original form of payment",
        "the card I paid with",
        "{address}",
        "the new address is {address}",
        "send it to {address}",
    ],
    "cancel_order": [
        "{reason}",
        "because {reason}",
        "the reason is {reason}",
        "oh, {reason}",
        "{reason}, that's why",
        "well, {reason}",
        "sorry, {reason}",
    ],
    "goodbye": [
        "That's all for today, thanks for your help.",
        "that's everything, thank you",
        "That's all, thanks!",
        "that's all I need, thank you",
        "nothing else for today, thanks for your help",
        "That will be all, thanks so much.",
        "I think that's it. Thanks for helping!",
        "No, that's all. Thank you!",
        "that's it for me, thanks for the help",
        "That's everything I needed, have a good day.",
    ],
}
