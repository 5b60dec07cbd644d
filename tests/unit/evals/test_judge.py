"""LLM-as-judge evaluators, graded by a scripted judge model."""

from __future__ import annotations

import inspect
from typing import Any

from langchain_core.messages import AIMessage
from langchain_openai import ChatOpenAI

from supportgraph.evals.judge import (
    SKIP_NOTE,
    build_judge_model,
    groundedness_evaluator,
    helpfulness_evaluator,
    judge_evaluators,
    parse_json_object,
)
from supportgraph.settings import Settings
from supportgraph.tests.fakes import ScriptedChatModel

ORDER_RECORD = '{"order_id": "#W5101035", "status": "pending", "total": 208.07}'
OUTPUTS: dict[str, Any] = {
    "transcript": [
        {"role": "customer", "text": "Please cancel #W5101035, I no longer need it."},
        {"role": "call", "name": "get_order_details", "args": {"order_id": "#W5101035"}},
        {"role": "tool", "name": "get_order_details", "text": ORDER_RECORD[:20]},
        {"role": "agent", "text": "Order #W5101035 is cancelled; $208.07 goes back to you."},
    ],
    "evidence": [
        {"kind": "tool", "name": "get_order_details", "text": ORDER_RECORD},
        {"kind": "kb", "id": "faq-7", "title": "Refunds", "text": "Refunds take 5-7 days."},
    ],
}


def judge(*replies: str) -> ScriptedChatModel:
    return ScriptedChatModel(script=[AIMessage(content=r) for r in replies])


def shown(model: ScriptedChatModel) -> str:
    return str(model.calls[-1][-1].content)


def test_that_helpfulness_normalises_the_judges_grade() -> None:
    model = judge('{"score": 4, "reason": "Cancelled as asked."}')
    result = helpfulness_evaluator(model)(OUTPUTS)
    assert result == {"key": "helpfulness", "score": 0.75, "comment": "4/5: Cancelled as asked."}
    assert "Please cancel #W5101035" in shown(model)


def test_that_json_inside_a_code_fence_after_prose_is_read() -> None:
    reply = 'Here is my grade:\n```json\n{"score": 5, "reason": "ok"}\n```'
    assert helpfulness_evaluator(judge(reply))(OUTPUTS)["score"] == 1.0


def test_that_a_malformed_reply_scores_none_with_a_comment() -> None:
    result = helpfulness_evaluator(judge("I'd say four out of five."))(OUTPUTS)
    assert result["score"] is None and "not JSON" in result["comment"]
    result = helpfulness_evaluator(judge('{"score": 7}'))(OUTPUTS)
    assert result["score"] is None and "1 to 5" in result["comment"]
    result = helpfulness_evaluator(judge('{"score": true}'))(OUTPUTS)
    assert result["score"] is None


def test_that_groundedness_is_the_share_of_supported_claims() -> None:
    model = judge(
        '{"claims": [{"claim": "order is cancelled", "supported": true},'
        ' {"claim": "refund is $208.07", "supported": true},'
        ' {"claim": "refund arrives tomorrow", "supported": false}], "reason": "one invented"}'
    )
    result = groundedness_evaluator(model)(OUTPUTS)
    assert result["key"] == "groundedness"
    assert result["score"] == 2 / 3
    assert "2/3" in result["comment"] and "refund arrives tomorrow" in result["comment"]
    prompt = shown(model)
    assert ORDER_RECORD in prompt, "the full tool result is the evidence, not the cut transcript"
    assert '<kb id="faq-7"' in prompt


def test_that_groundedness_falls_back_to_the_transcripts_tool_results() -> None:
    model = judge('{"claims": [{"claim": "x", "supported": true}]}')
    groundedness_evaluator(model)({"transcript": OUTPUTS["transcript"]})
    assert f'<tool_result name="get_order_details">{ORDER_RECORD[:20]}<' in shown(model)


def test_that_bad_or_empty_claims_score_none() -> None:
    result = groundedness_evaluator(judge('{"claims": "all fine"}'))(OUTPUTS)
    assert result["score"] is None and "no list of claims" in result["comment"]
    result = groundedness_evaluator(judge('{"claims": [{"claim": "x"}]}'))(OUTPUTS)
    assert result["score"] is None
    result = groundedness_evaluator(judge('{"claims": []}'))(OUTPUTS)
    assert result == {"key": "groundedness", "score": None, "comment": "no factual claims to check"}


def test_that_a_failed_judge_call_scores_none() -> None:
    result = helpfulness_evaluator(judge())(OUTPUTS)
    assert result["score"] is None and "judge call failed" in result["comment"]


def test_that_a_transcript_without_agent_replies_is_not_judged() -> None:
    model = judge()
    result = helpfulness_evaluator(model)({"transcript": [{"role": "customer", "text": "hi"}]})
    assert result["score"] is None and not model.calls


def test_that_judges_are_skipped_without_a_judge_model() -> None:
    assert judge_evaluators(Settings(judge_model="")) == ([], SKIP_NOTE)
    assert build_judge_model(Settings(judge_model="")) is None


def test_that_a_configured_judge_gives_both_evaluators() -> None:
    settings = Settings(
        judge_model="openai:gpt-4o-mini",
        judge_base_url="http://127.0.0.1:9/judge/v1",
        judge_api_key="judge-key",
    )
    model = build_judge_model(settings)
    assert isinstance(model, ChatOpenAI)
    assert model.model_name == "gpt-4o-mini" and model.temperature == 0.0
    assert model.openai_api_base == "http://127.0.0.1:9/judge/v1"
    assert "judge-key" not in repr(settings)
    evaluators, note = judge_evaluators(settings)
    assert note is None
    assert [e.__name__ for e in evaluators] == ["helpfulness", "groundedness"]
    assert all(list(inspect.signature(e).parameters) == ["outputs"] for e in evaluators)


def test_that_the_first_json_object_is_found() -> None:
    assert parse_json_object('a {broken} then {"score": 3}') == {"score": 3}
    assert parse_json_object("[1, 2]") is None
