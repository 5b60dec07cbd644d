"""Reply templates of the flow responder. Every fact in them comes from a tool or the KB."""

GREETING = (
    "Hello! I can help with your orders, returns, exchanges and account. What can I do for you?"
)
THANKS = "You're welcome! Is there anything else I can help you with?"
GOODBYE = "Thank you for contacting us. Have a great day!"
ANYTHING_ELSE = "Is there anything else I can help you with?"
CLARIFY = (
    "I'm sorry, I didn't quite get that. I can check an order's status, cancel or change a "
    "pending order, return or exchange delivered items, update your address, answer product "
    "questions and explain our policies. What would you like to do?"
)
ASK_AGAIN = "Sorry, I still need this to go on. {text}"
OFFER_HUMAN = (
    "I'm sorry, I don't seem to be understanding you. Would you like me to connect you with a "
    "human agent? Just say yes, or tell me again in other words what you need."
)
NOT_SURE = (
    "I'm not sure about that, and I'd rather not guess. I can connect you with a human agent "
    "if you'd like: just say 'agent'."
)

ASK_IDENTITY = (
    "I can help with that. First I need to verify your identity: could you give me the email "
    "address on your account, or your first name, last name and zip code?"
)
ASK_ZIP = "Thanks. Could you also give me the zip code on your account?"
ASK_NAME = "Thanks. Could you also give me your first and last name?"
NOT_FOUND_EMAIL = (
    "I couldn't find an account with that email address. Could you check it, or give me your "
    "first name, last name and zip code instead?"
)
NOT_FOUND_NAME = (
    "I couldn't find an account with that name and zip code. Could you check them, or give me "
    "your email address instead?"
)
VERIFIED = "Thank you, {name}: your identity is verified. How can I help you today?"
OTHER_CUSTOMER = (
    "I'm sorry, I can only help with the account verified in this conversation, so I can't "
    "share or change anything for another customer."
)
NOT_YOURS = (
    "I'm sorry, I can't find order {order_id} on your account, so I can't share or change it. "
    "Your orders are: {orders}."
)

ASK_ORDER = "Which order is this about? {listing}"
ORDER_LINE = "{order_id} ({status}: {items})"
ASK_REASON = (
    "Could you tell me the reason for cancelling: is it 'no longer needed' or 'ordered by mistake'?"
)
ASK_ADDRESS = (
    "What is the new address? Please give the street address, any apartment or suite, city, "
    "state and zip code."
)
ASK_ITEMS = "Which items would you like to {verb}? Order {order_id} has: {items}."
ASK_OPTIONS = "What would you like the {name} changed to? Available options: {options}."
NO_VARIANT = (
    "I'm sorry, there is no available {name} with {wanted}. Available options are: {options}."
)
ASK_PAYMENT = "Which payment method should {purpose}? On your account: {methods}."
ASK_REFUND = (
    "Should the refund go to the original payment method ({original}) or to a gift card "
    "({gift_cards})?"
)
ASK_REFUND_ORIGINAL = (
    "The refund can go to the original payment method ({original}); you have no gift card on "
    "file. Shall I use the original payment method?"
)
GIFT_CARD_SHORT = (
    "I can't pay order {order_id} with {method}: its balance doesn't cover the order total of "
    "${total:.2f}."
)
SAME_PAYMENT = "Order {order_id} is already paid with {method}. Which other method would you like?"
WRONG_STATUS = "Order {order_id} is {status}, so it can't be {action}. {hint}"
STATUS_HINTS = {
    "cancelled": "Only pending orders can be cancelled or changed.",
    "returned": "Only delivered orders can be returned or exchanged.",
}

EXTREME_ITEM = "The {which} item in order {order_id} is the {item}, at ${price:.2f}."
ITEM_PRICES = "In order {order_id}: {listing}."
ORDER_TOTAL = "Order {order_id} comes to ${total:.2f} for {count} item(s)."
PAID_WITH = "Order {order_id} was paid with {method}."
REFUNDS_MADE = "Your refunds come to ${total:.2f} in all ({listing})."
REFUND_WOULD_BE = (
    "A refund of {items} from order {order_id} would come to ${total:.2f}, to the original "
    "payment method or a gift card."
)
TRACKING_IDS = "Tracking number(s) for order {order_id}: {ids}."
NO_TRACKING = "Order {order_id} is {status} and has no tracking number yet."
ITEM_COUNT = "Order {order_id} has {count} item(s)."
ORDER_COUNT = "You have {count} order(s): {orders}."
ALTERNATIVES = (
    "You have the {item}, bought for ${paid:.2f} in order {order_id}. Available now: {listing}. "
    "If one suits you, I can exchange or change it for you."
)
NO_ALTERNATIVE = "There is no other available {item} at less than the ${paid:.2f} you paid."
WHICH_OWNED = (
    "Which of your products would you like something similar to? I can suggest the other "
    "available versions of anything you've ordered."
)
ORDER_STATUS = "Order {order_id} is {status}. Items: {items}.{tracking}"
TRACKING = " Tracking number(s): {ids}."
ORDERS_LIST = "Here are your orders: {listing}."
PROFILE = (
    "Your account: {name}, {email}. Default address: {address}. Payment methods: {methods}. "
    "Orders: {orders}."
)
PRODUCT_TYPES = "We have {count} product types: {names}."
PRODUCT_OPTIONS = "The {name} comes in {available} available option(s) out of {total}: {listing}."
WHICH_PRODUCT = "Which product are you interested in? We carry {count} product types."
KB_ANSWER = "{text}\n\n(Source: {title})"

DONE = {
    "cancel_pending_order": (
        "Done: order {order_id} is now cancelled. The refund of ${total:.2f} goes back to the "
        "original payment method ({refund_timing})."
    ),
    "modify_pending_order_address": "Done: order {order_id} will now ship to {address}.",
    "modify_pending_order_payment": "Done: order {order_id} is now paid with {method}.",
    "modify_pending_order_items": (
        "Done: the items of order {order_id} are updated; its status is now '{status}'."
        " {difference}"
    ),
    "return_delivered_order_items": (
        "Done: the return is requested for order {order_id} (status '{status}'). You'll get an "
        "email explaining how to send the items back; the refund goes to {method}."
    ),
    "exchange_delivered_order_items": (
        "Done: the exchange is requested for order {order_id} (status '{status}'). You'll get an "
        "email explaining how to send the items back. {difference}"
    ),
    "modify_user_address": "Done: your default address is now {address}.",
}
GIFT_CARD_TIMING = "at once to a gift card"
CARD_TIMING = "within 5 to 7 business days"
FAILED = "I couldn't complete that: {error}. {hint}"
DECLINED = "Okay, I haven't changed anything. " + ANYTHING_ELSE
DENIED = "I can't do that: {reason}"
