"""Replies of the refusal and escalation nodes."""

REFUSAL = (
    "I can't help with that request. I can help you with your orders, returns, exchanges, "
    "your account and our store policies."
)

HANDOFF = (
    "I'm transferring you to a human agent now. They will see this whole conversation, "
    "so you won't need to repeat yourself."
)

HANDOFF_WAITING = "Your conversation is with our human support team; an agent will reply here."

HANDOFF_REASONS = {
    "requested": "the customer asked for a human agent",
    "transfer_tool": "the assistant transferred the conversation",
    "repeated_failure": "repeated failed attempts",
    "negative_sentiment": "strongly negative sentiment",
    "guardrail": "a guardrail flagged the message",
    "tool_budget": "too many tool calls in one turn",
    "rule": "an escalation rule matched",
}
