"""Held-out message templates: wordings that never appear in the training templates."""

from __future__ import annotations

HELDOUT_TEMPLATES: dict[str, list[str]] = {
    "greeting": ["hey hey", "hello hello", "hi! anybody home?", "good day to you", "greetings"],
    "goodbye": ["alright, I'll be going now", "catch you later", "thats all bye bye",
                "ok we're done here, bye", "farewell"],
    "thanks": ["much appreciated", "thank u!!", "thanks so so much", "really appreciate that",
               "big thanks"],
    "affirm": ["yes go for it", "yeah that's fine", "confirmed", "yes, please do",
               "sure, proceed with that"],
    "deny": ["no no no", "don't go ahead with that", "nah leave it", "no, cancel that request",
             "no I don't agree"],
    "identify": ["email is {email}", "{name} - zip {zip}", "it's {name}, {zip}",
                 "I go by {name}, zip code {zip}", "look me up with {email}"],
    "order_status": [
        "any news on {order}?", "where's my {prod}? it's been ages",
        "can u tell me whats in order {order}", "has my {prod} left the warehouse",
        "I'd like an update on order {order}", "what's going on with my {prod} delivery",
    ],
    "cancel_order": [
        "please call off order {order}, {reason}", "scrap my {prod} order, {reason}",
        "I don't want {order} anymore, cancel it", "kill order {order} please",
        "can you void my order {order}? {reason}", "cancel the {prod} order, {reason}",
    ],
    "modify_order_address": [
        "deliver {order} to {address} please", "my pending order should go to {address}",
        "need to redirect {order} to {address}", "fix the address on {order} to {address}",
        "send my {prod} to {address} instead of the old place",
    ],
    "modify_order_payment": [
        "bill {order} to {pay} instead", "put my pending order on {pay}",
        "I'd rather pay for {order} using {pay}", "use {pay} to pay for order {order}",
        "switch {order} over to {pay} for payment",
    ],
    "modify_order_items": [
        "the {prod} in my unshipped order should be {opt}",
        "my order {order} is still pending, switch the {prod} to {opt}",
        "before {order} ships i want the {prod} in {opt}",
        "tweak my pending order: {prod} -> {opt}",
        "can the {prod} I just ordered be changed to {opt}",
    ],
    "return_items": [
        "I'd like my money back for the {prod}, sending it back",
        "how can i return the {prod} from {order} and get refunded to {pay}",
        "the {prod} came faulty, return it please", "refund and return my {prod} and {prod2}",
        "I want to send the {prod} back for a refund",
    ],
    "exchange_items": [
        "I got the {prod} but want {opt} instead, can we swap it",
        "trade my received {prod} for {opt}", "the delivered {prod} should be exchanged for {opt}",
        "switch the {prod} I received to {opt}", "exchange request: {prod} for {opt}",
    ],
    "modify_user_address": [
        "new home address: {address}, please update my account",
        "my profile address is outdated, it's {address} now",
        "please save {address} as my default address", "update my account with {address}",
    ],
    "account_info": [
        "which payment options are on my account", "gift card balance please",
        "show me all orders under my name", "what do you have as my address",
        "what's saved in my profile",
    ],
    "product_info": [
        "does the {prod} come in {opt}", "what variants does the {prod} have",
        "price check on the {prod}", "is there a {prod} with {opt} in stock",
        "what do you sell exactly",
    ],
    "policy_question": [
        "what's the time limit for returns", "are exchanges allowed after delivery",
        "do I get refunded right away if I cancel", "is there a fee for returning things",
        "can a delivered order still be changed",
    ],
    "human_agent": ["I demand to speak with a person", "connect me with a live rep",
                    "give me a human", "can I get a supervisor on the line",
                    "talk to someone real please"],
    "complaint": ["this is a terrible experience", "I'm fed up with this company",
                  "you've wasted so much of my time", "absolutely awful customer service",
                  "I am extremely annoyed with how this was handled"],
    "out_of_scope": ["what's the capital of Peru", "can you do my taxes",
                     "recommend me a recipe for dinner", "sign me up for your newsletter",
                     "what's your opinion on politics", "give me a promo code"],
}
