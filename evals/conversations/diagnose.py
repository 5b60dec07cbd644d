"""Why conversations fail: the first request the agent did not turn into the gold write.

Run: `python -P -m supportgraph.evals.conversations.diagnose [REPORT_JSON]`.
"""

from __future__ import annotations

import argparse
import json
import re
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from supportgraph.evals.conversations import DATASET_PATH, load_examples
from supportgraph.prompts import flow, safety
from supportgraph.settings import get_settings

HELD = "Waiting for the customer's confirmation"
_REPLIES = {
    name: re.compile(re.sub(r"\\\{\w+\\\}", ".*", re.escape(text)), re.S)
    for module in (flow, safety)
    for name, text in vars(module).items()
    if name.isupper() and isinstance(text, str) and not text.startswith("{")
}


def reply_kind(text: str) -> str:
    """The reply template an agent message was written from, e.g. `ASK_PAYMENT`."""
    if "Shall I go ahead?" in text:
        return "CONFIRM"
    if text.startswith("Done:"):
        return "DONE"
    return next((name for name, rx in _REPLIES.items() if rx.fullmatch(text)), "OTHER")


def segments(transcript: list[dict[str, Any]]) -> list[tuple[str, list[dict[str, Any]]]]:
    """Each customer message with the agent's calls, results and replies that followed it."""
    out: list[tuple[str, list[dict[str, Any]]]] = []
    for line in transcript:
        if line["role"] == "customer":
            out.append((line["text"], []))
        elif out:
            out[-1][1].append(line)
    return out


def request_steps(example: dict[str, Any], result: dict[str, Any]) -> list[tuple[str, ...]]:
    """Each scripted request as `(tool, category, customer message, agent reply)`.

    A request passes (`ok`) when the agent holds exactly its gold write for confirmation.
    """
    steps = segments(result["transcript"])
    out: list[tuple[str, ...]] = []
    for index, action in enumerate(example["outputs"]["actions"]):
        position, tool = 1 + 2 * index, action["name"]
        if position >= len(steps):
            out.append((tool, "escalated" if result["escalated"] else "not reached", "", ""))
            continue
        text, events = steps[position]
        replies = [e["text"] for e in events if e["role"] == "agent"]
        reply = replies[-1] if replies else ""
        held = [
            next(c for c in reversed(events[:i]) if c["role"] == "call" and c["name"] == e["name"])
            for i, e in enumerate(events)
            if e["role"] == "tool" and e["text"].startswith(HELD)
        ]
        wrong = _differences(held[-1], action) if held else []
        if not held:
            category = f"replied {reply_kind(reply)} instead of confirming"
        elif wrong:
            category = f"held a wrong write ({', '.join(wrong)})"
        else:
            category = "ok"
        out.append((tool, category, text, reply))
    return out


def diagnose(example: dict[str, Any], result: dict[str, Any]) -> tuple[str, str, str]:
    """The first failing step of a failed conversation: `(category, message, agent reply)`."""
    if "refusal" in example["metadata"]["flows"]:
        return f"refusal {example['metadata']['refusal']} changed the store", "", ""
    steps = segments(result["transcript"])
    if steps and not _verified(steps[0][1]):
        replies = [e["text"] for e in steps[0][1] if e["role"] == "agent"]
        reply = replies[-1] if replies else ""
        return f"identity: replied {reply_kind(reply)} instead of verifying", steps[0][0], reply
    for tool, category, text, reply in request_steps(example, result):
        if category != "ok":
            return f"{tool}: {category}", text, reply
    if not result["hash_ok"]:
        return "every gold write held, yet the store differs", "", ""
    return "must_say missing", "", ""


def _verified(events: list[dict[str, Any]]) -> bool:
    return any(
        e["role"] == "tool" and e["name"].startswith("find_user_id") and "Error" not in e["text"]
        for e in events
    )


def _differences(call: dict[str, Any], action: dict[str, Any]) -> list[str]:
    if call["name"] != action["name"]:
        return [f"tool {call['name']}"]
    args, gold = call["args"], action["kwargs"]
    if "new_item_ids" in gold:
        pairs = sorted(zip(args.get("item_ids", []), args.get("new_item_ids", []), strict=False))
        gold_pairs = sorted(zip(gold["item_ids"], gold["new_item_ids"], strict=True))
        if call["name"] == "modify_pending_order_items":
            # The words leave out a pending item swapped for itself: it changes nothing.
            gold_pairs = [(old, new) for old, new in gold_pairs if old != new]
        wrong = [] if pairs == gold_pairs else ["items"]
        return wrong + [
            k for k in gold if k not in ("item_ids", "new_item_ids") and args.get(k) != gold[k]
        ]
    return [
        k
        for k in gold
        if (sorted(args.get(k)) if isinstance(gold[k], list) else args.get(k))
        != (sorted(gold[k]) if isinstance(gold[k], list) else gold[k])
    ]


def main() -> None:
    """Group a report's failures by first failing step, with an example message of each."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = get_settings().data_dir / "reports" / "conversations.json"
    parser.add_argument("report", nargs="?", default=str(default))
    parser.add_argument("--dataset", default=str(DATASET_PATH))
    parser.add_argument("--examples", type=int, default=2)
    args = parser.parse_args()
    examples = {e["inputs"]["task_id"]: e for e in load_examples(args.dataset)}
    report = json.loads(Path(args.report).read_text(encoding="utf-8"))
    seen: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for result in report["results"]:
        if not result["success"]:
            category, text, reply = diagnose(examples[result["task_id"]], result)
            seen[category].append((result["task_id"], text, reply))
    requests: dict[str, Counter[str]] = defaultdict(Counter)
    for result in report["results"]:
        example = examples[result["task_id"]]
        if segments(result["transcript"]) and _verified(segments(result["transcript"])[0][1]):
            for tool, category, _, _ in request_steps(example, result):
                requests[tool][category] += 1
    print("Requests after a verified identity, by tool: held the gold write / all")
    for tool, outcomes in sorted(requests.items()):
        total = sum(outcomes.values())
        print(f"  {tool}: {outcomes['ok']}/{total} ({outcomes['ok'] / total:.0%})")
    print("First failing step of each failed conversation:")
    counts = Counter({k: len(v) for k, v in seen.items()})
    for category, count in counts.most_common():
        print(f"{count:4d}  {category}")
        for task_id, text, reply in seen[category][: args.examples]:
            flat = " ".join(reply.split())
            print(f"        {task_id}: {text}\n          -> {flat[:240]}")


if __name__ == "__main__":
    main()
