"""Callback scripts as small decision trees: the text a supervisor types, the tree it becomes, and the
walk an agent makes through it. Plain functions on plain data (no Django): errors name the line.

The text, one node after another:

    [satisfaction] 满意度 | survey=satisfaction
    请问您对这次处理的结果满意吗？
    - 满意 -> thanks | satisfied=yes | score=5
    - 不满意 -> fault | satisfied=no | score=2

A node is `[id] title` (options after `|`), then its question (any lines), then its answers: `- label ->
next node id or end`, with options satisfied=yes/no (the call's satisfaction), fault=<code> (seed 003's
fault classes), department=<code> (who gets the follow-up), score=1-5 (the survey's star scale).
`{称呼}` in a question is replaced by the customer's form of address (王先生).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

NODE_ID = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
CODE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
END = "end"
MAX_NODES = 60
MAX_ANSWERS = 10
YES = {"yes": True, "no": False, "是": True, "否": False}
ANSWER_OPTIONS = {"satisfied", "fault", "department", "score"}
NODE_OPTIONS = {"survey"}


class ScriptError(ValueError):
    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


@dataclass(frozen=True)
class Step:
    node: str
    question: str
    answer: int
    label: str
    facts: dict  # satisfied / fault / department / score of the chosen answer


def _options(parts: list[str], allowed: set[str], line: int) -> dict:
    options: dict = {}
    for part in parts:
        key, sep, value = (p.strip() for p in part.partition("="))
        if not sep or key not in allowed or not value:
            raise ScriptError(f"第 {line} 行：无法识别的选项「{part.strip()}」（可用：{'、'.join(sorted(allowed))}）", line)
        if key == "satisfied":
            if value not in YES:
                raise ScriptError(f"第 {line} 行：satisfied 只能是 yes 或 no", line)
            options[key] = YES[value]
        elif key == "score":
            if value not in {"1", "2", "3", "4", "5"}:
                raise ScriptError(f"第 {line} 行：score 应为 1 到 5", line)
            options[key] = int(value)
        else:
            if not CODE.match(value):
                raise ScriptError(f"第 {line} 行：{key} 只能用小写字母、数字、- 和 _", line)
            options[key] = value
    return options


def parse(text: str) -> dict:
    """The supervisor's text -> the tree; the first error names its line."""
    nodes: dict[str, dict] = {}
    lines_of: dict[str, int] = {}
    current: dict | None = None
    for number, raw in enumerate((text or "").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            current = _node(line, number, nodes)
            lines_of[current["id"]] = number
        elif current is None:
            raise ScriptError(f"第 {number} 行：请先用 [节点代码] 开始一个问题", number)
        elif line.startswith("-"):
            if len(current["answers"]) >= MAX_ANSWERS:
                raise ScriptError(f"第 {number} 行：一个问题最多 {MAX_ANSWERS} 个回答", number)
            lines_of[f"{current['id']}#{len(current['answers'])}"] = number
            current["answers"].append(_answer(line[1:], number))
        elif current["answers"]:
            raise ScriptError(f"第 {number} 行：回答之后不能再写问题文字；回答行以 - 开头", number)
        else:
            current["text"] = (current["text"] + "\n" + line).strip()[:1000]
    if not nodes:
        raise ScriptError("话术至少需要一个问题", 1)
    # "order" keeps the nodes as typed: PostgreSQL's jsonb does not keep the keys' order.
    tree = {"start": next(iter(nodes)), "order": list(nodes),
            "nodes": {k: {key: v for key, v in n.items() if key != "id"} for k, n in nodes.items()}}
    check(tree, lines_of)
    return tree


def _node(line: str, number: int, nodes: dict) -> dict:
    head, _sep, rest = line[1:].partition("]")
    node_id = head.strip()
    if not _sep or not NODE_ID.match(node_id) or node_id == END:
        raise ScriptError(f"第 {number} 行：节点代码应为小写字母开头的字母、数字或下划线，且不能是 end", number)
    if node_id in nodes:
        raise ScriptError(f"第 {number} 行：节点「{node_id}」重复", number)
    if len(nodes) >= MAX_NODES:
        raise ScriptError(f"第 {number} 行：话术最多 {MAX_NODES} 个问题", number)
    title, *parts = rest.split("|")
    node = {"id": node_id, "title": title.strip()[:60] or node_id, "text": "", "answers": []}
    node.update(_options(parts, NODE_OPTIONS, number))
    nodes[node_id] = node
    return node


def _answer(body: str, number: int) -> dict:
    first, *parts = body.split("|")
    label, arrow, target = first.partition("->")
    label, target = label.strip(), target.strip()
    if not arrow or not label or not target:
        raise ScriptError(f"第 {number} 行：回答应写成「- 回答 -> 下一节点代码」（或 -> end）", number)
    if len(label) > 60:
        raise ScriptError(f"第 {number} 行：回答不能超过 60 字", number)
    answer = {"label": label}
    if target != END:
        answer["next"] = target
    answer.update(_options(parts, ANSWER_OPTIONS, number))
    return answer


def check(tree: dict, lines_of: dict[str, int] | None = None) -> None:
    """Every branch leads to a node that exists, every node is reachable and has answers, no loops."""
    lines_of = lines_of or {}
    nodes = tree.get("nodes") or {}
    if tree.get("start") not in nodes:
        raise ScriptError("话术缺少开始节点", 1)
    for node_id, node in nodes.items():
        line = lines_of.get(node_id)
        if not node.get("text"):
            raise _at(line, f"节点「{node_id}」没有问题文字")
        if not node.get("answers"):
            raise _at(line, f"节点「{node_id}」没有回答")
        for i, answer in enumerate(node["answers"]):
            if answer.get("next") is not None and answer["next"] not in nodes:
                raise _at(lines_of.get(f"{node_id}#{i}", line),
                          f"节点「{node_id}」的回答「{answer['label']}」指向不存在的节点「{answer['next']}」")
    order = _topological(tree)
    unreachable = [n for n in nodes if n not in order]
    if unreachable:
        raise _at(lines_of.get(unreachable[0]), f"节点「{unreachable[0]}」无法从开始节点到达")


def _at(line: int | None, message: str) -> ScriptError:
    return ScriptError(f"第 {line} 行：{message}" if line else message, line)


def _topological(tree: dict) -> list[str]:
    nodes, seen, done, order = tree["nodes"], set(), set(), []

    def visit(node_id: str, trail: tuple[str, ...]) -> None:
        if node_id in done:
            return
        if node_id in seen:
            raise ScriptError(f"话术出现循环：{' → '.join((*trail, node_id))}")
        seen.add(node_id)
        for answer in nodes[node_id]["answers"]:
            if answer.get("next"):
                visit(answer["next"], (*trail, node_id))
        done.add(node_id)
        order.append(node_id)

    visit(tree["start"], ())
    return order[::-1]


def render(tree: dict) -> str:
    """The tree back as text (for the editor when only the tree is stored)."""
    out = []
    for node_id, node in ordered_nodes(tree):
        head = f"[{node_id}] {node.get('title', '')}".rstrip()
        if node.get("survey"):
            head += f" | survey={node['survey']}"
        out += [head, node.get("text", "")]
        for answer in node.get("answers", []):
            line = f"- {answer['label']} -> {answer.get('next') or END}"
            for key in ("satisfied", "fault", "department", "score"):
                if key in answer:
                    value = answer[key]
                    line += f" | {key}={('yes' if value else 'no') if key == 'satisfied' else value}"
            out.append(line)
        out.append("")
    return "\n".join(out).strip() + "\n"


def ordered_nodes(tree: dict) -> list[tuple[str, dict]]:
    nodes = tree.get("nodes", {})
    order = [n for n in tree.get("order", []) if n in nodes]
    return [(n, nodes[n]) for n in order + sorted(set(nodes) - set(order))]


def walk(tree: dict, choices: list[int]) -> tuple[list[Step], str | None]:
    """Follows the answers chosen (their indexes, from the start); returns the steps taken and the node
    to ask next (None once an answer ended the script). An index a node does not have is refused."""
    nodes, steps, current = tree["nodes"], [], tree["start"]
    for position, choice in enumerate(choices):
        if current is None:
            raise ScriptError(f"第 {position + 1} 个回答之前话术已经结束")
        node = nodes[current]
        if not isinstance(choice, int) or not 0 <= choice < len(node["answers"]):
            raise ScriptError(f"问题「{node.get('title') or current}」没有第 {choice} 个回答")
        answer = node["answers"][choice]
        facts = {key: answer[key] for key in ("satisfied", "fault", "department", "score") if key in answer}
        steps.append(Step(current, node["text"], choice, answer["label"], facts))
        current = answer.get("next")
    return steps, current


def satisfied_of(steps: list[Step]) -> bool | None:
    """The last answer that says so decides (a later "still not fixed" overrides an earlier "yes")."""
    found = None
    for step in steps:
        if "satisfied" in step.facts:
            found = step.facts["satisfied"]
    return found


def fact_of(steps: list[Step], key: str) -> object | None:
    found = None
    for step in steps:
        if key in step.facts:
            found = step.facts[key]
    return found


def path_of(text: str) -> list[int]:
    """"0.2.1" (the page's query string) -> [0, 2, 1]; anything else is refused."""
    text = (text or "").strip()
    if not text:
        return []
    try:
        return [int(part) for part in text.split(".")][:MAX_NODES]
    except ValueError:
        raise ScriptError("回答路径无效") from None


def choices_from(tree: dict, items: list[dict]) -> list[int]:
    """The API's answers [{"node", "answer": index or label}] -> indexes, checked to follow the branches."""
    nodes, current, choices = tree["nodes"], tree["start"], []
    for position, item in enumerate(items, start=1):
        node_id, answer = item.get("node"), item.get("answer")
        if current is None:
            raise ScriptError(f"第 {position} 个回答之前话术已经结束")
        if node_id != current:
            raise ScriptError(f"第 {position} 个回答应回答节点「{current}」，而不是「{node_id}」")
        labels = [a["label"] for a in nodes[current]["answers"]]
        index = labels.index(answer) if isinstance(answer, str) and answer in labels else answer
        if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < len(labels):
            raise ScriptError(f"节点「{current}」没有回答「{answer}」")
        choices.append(index)
        current = nodes[current]["answers"][index].get("next")
    return choices
