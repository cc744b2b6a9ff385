"""A FHIR R4 Questionnaire as an instrument definition, or the reasons it does not fit, item by item.

Pure Python on the resource as a dict (already validated as R4 by `resources.parse`). The product's
format is a flat list of questions in sections, scored by sums or means of whole-number scales;
what cannot be said in it is refused with a reason rather than approximated (docs/fhir.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from allianse.core.measures import DefinitionError, build_instrument

from . import vocabulary as v

UNSUPPORTED_TYPES = {"decimal", "date", "dateTime", "time", "url", "attachment", "reference", "quantity", "open-choice"}
SCORE_TYPES = {"integer", "decimal", "quantity"}
HELP_CONTROLS = {"help", "flyover"}
# An expression read as "the sum of the answers' weights" (SDC's ordinal(), ordinalValue(), weight()).
_WEIGHT_SUM = re.compile(r"(ordinal\(\)|ordinalValue\(\)|weight\(\)).*(sum\(\)|aggregate\(\$this ?\+ ?\$total)", re.S)
_SCOPE = re.compile(r"where\(linkId ?= ?'([^']+)'\)")


@dataclass(frozen=True)
class Problem:
    """Why a questionnaire (or one of its items, `where` = its linkId) does not fit; `code` picks
    the message (`messages.py`), `detail` fills it."""

    where: str
    code: str
    detail: str = ""


@dataclass(frozen=True)
class AnswerOption:
    system: str | None
    code: str
    text: dict[str, str] | None
    weight: float | None


@dataclass
class Conversion:
    """The result of reading a Questionnaire: a definition if it fits, else the problems."""

    definition: dict[str, Any] | None = None
    problems: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)
    item_ids: dict[str, str] = field(default_factory=dict)  # linkId -> item id
    score_ids: dict[str, str] = field(default_factory=dict)  # linkId -> score id
    answer_values: dict[str, dict[tuple[str | None, str], Any]] = field(default_factory=dict)  # item id -> value

    @property
    def fits(self) -> bool:
        return self.definition is not None and not self.problems


def from_questionnaire(resource: dict[str, Any]) -> Conversion:
    return _Reader(resource).read()


def answer_options(resource: dict[str, Any]) -> dict[str, list[AnswerOption]]:
    """The answer options of every question with options, by linkId, whether or not the
    questionnaire fits the product (to weigh the answers of any response)."""
    reader = _Reader(resource)
    found: dict[str, list[AnswerOption]] = {}
    for item in walk_items(resource.get("item", [])):
        if item.get("answerOption") or item.get("answerValueSet"):
            found[item["linkId"]] = reader._options(item) or []
    return found


def walk_items(items: list[dict[str, Any]]):
    """Every item of a tree of items (a Questionnaire's), depth first."""
    for item in items:
        yield item
        yield from walk_items(item.get("item", []))


def is_score_item(item: dict[str, Any]) -> bool:
    """A calculated numeric item: an SDC or Helsenorge formula, Helsenorge's section or total score
    code, or the product's own score."""
    if item.get("type") not in SCORE_TYPES:
        return False
    coded = any(c.get("system") == v.HELSENORGE_SCORING and c.get("code") in ("SS", "TS") for c in item.get("code", []))
    return (
        coded or v.first_extension(item, v.SCORE, v.CALCULATED, v.HELSENORGE_CALCULATED, v.CQF_EXPRESSION) is not None
    )


class _Reader:
    def __init__(self, resource: dict[str, Any]) -> None:
        self.resource = resource
        self.language = str(resource.get("language") or v.LANGUAGE)[:2]
        self.result = Conversion()
        self.value_sets = {
            entry.get("id"): entry for entry in resource.get("contained", []) if entry.get("resourceType") == "ValueSet"
        }
        self.taken: dict[str, set[str]] = {"item": set(), "section": set(), "score": set()}
        self.sections: dict[str, dict[str, Any]] = {}  # group linkId -> section
        self.items: list[dict[str, Any]] = []
        self.fhir_items: dict[str, dict[str, Any]] = {}  # item id -> its FHIR item
        self.scores: list[tuple[dict[str, Any], list[str] | None, dict[str, Any] | None]] = []
        self.scored_codes: set[str] = set()  # linkIds coded as a scored question (Helsenorge QS)
        self.wordings: dict[str, dict[str, Any]] = {}

    def problem(self, where: str, code: str, detail: str = "") -> None:
        self.result.problems.append(Problem(where, code, detail))

    def note(self, where: str, code: str, detail: str = "") -> None:
        self.result.notes.append(Problem(where, code, detail))

    def read(self) -> Conversion:
        self._walk(self.resource.get("item", []), section=None, parents=[])
        refused_items = bool(self.result.problems)  # what follows from them is not reported again
        if not self.items and not refused_items:
            self.problem("", "no_questions")
        scores = [score for score in (self._score(*entry, refused_items) for entry in self.scores) if score]
        for item in self.items:
            condition = self.fhir_items[item["id"]].get("enableWhen")
            if condition:
                self._condition(item, self.fhir_items[item["id"]])
        if self.result.problems:
            return self.result
        definition = self._definition(scores)
        try:
            build_instrument(definition, source=definition["key"])
        except DefinitionError as error:
            self.problem(error.where, "definition", error.problem)
            return self.result
        self.result.definition = definition
        return self.result

    # The tree of items

    def _walk(self, items: list[dict[str, Any]], section: str | None, parents: list[str]) -> None:
        for item in items:
            link_id = item["linkId"]
            kind = item.get("type")
            if is_score_item(item):
                self.scores.append((item, self._score_scope(item, parents), v.first_extension(item, v.SCORE)))
            elif kind == "group":
                self._group(item, section, parents)
            elif kind == "display":
                if v.item_control_code(item) not in HELP_CONTROLS:
                    self.note(link_id, "display_dropped")
            else:
                self._question(item, section)

    def _group(self, item: dict[str, Any], section: str | None, parents: list[str]) -> None:
        link_id = item["linkId"]
        if item.get("repeats"):
            self.problem(link_id, "repeating_group")
            return
        title = v.read_text(item, "text", self.language)
        if title is not None:
            raw = link_id.removeprefix(v.SECTION_PREFIX)
            section_id = v.identifier(raw, self.taken["section"], prefix="section")
            self.sections[link_id] = {
                "id": section_id,
                "title": title,
                **self._description(item),
                "_wording": self._wording(item, "title", "description"),
            }
            section = section_id
        self._walk(item.get("item", []), section, [*parents, link_id])

    def _question(self, item: dict[str, Any], section: str | None) -> None:
        link_id = item["linkId"]
        kind = item.get("type")
        raw_id = link_id if re.fullmatch(r"[a-z][a-z0-9_]*", link_id) else link_id.lower()
        item_id = v.identifier(raw_id, self.taken["item"])
        children = [child for child in item.get("item", []) if v.item_control_code(child) not in HELP_CONTROLS]
        if children:
            self.problem(link_id, "items_under_question")
        if kind in UNSUPPORTED_TYPES or kind not in ("boolean", "string", "text", "choice", "integer"):
            self.problem(link_id, "unsupported_type", str(kind))
            return
        text = v.read_text(item, "text", self.language) or self._code_text(item)
        if text is None:
            self.problem(link_id, "no_text")
            return
        if item.get("repeats") and kind != "choice":
            self.problem(link_id, "repeats")
            return
        entry: dict[str, Any] = {"id": item_id}
        if section is not None:
            entry["section"] = section
        answers = self._typed(item, entry)
        if answers is None:
            return
        entry["text"] = text
        entry.update(self._label(item))
        entry.update(self._description(item))
        entry["required"] = bool(item.get("required", False))
        roles = [extension.get("valueCode") for extension in v.extensions(item, v.ROLE)]
        if roles:
            entry["roles"] = roles
        if any(c.get("system") == v.HELSENORGE_SCORING and c.get("code") == "QS" for c in item.get("code", [])):
            self.scored_codes.add(link_id)
        self.result.item_ids[link_id] = item_id
        self.result.answer_values[item_id] = answers
        self.fhir_items[item_id] = item
        self.items.append(entry)
        wording = self._wording(item, "text", "description")
        for respondent, texts in wording.items():
            self.wordings.setdefault(respondent, {}).setdefault("items", {})[item_id] = texts

    def _typed(self, item: dict[str, Any], entry: dict[str, Any]) -> dict[tuple[str | None, str], Any] | None:
        """Type, answers and weights of a question; None (with a problem) if they do not fit."""
        link_id, kind = item["linkId"], item.get("type")
        if kind == "boolean":
            entry["type"] = "yes_no"
            return {}
        if kind in ("string", "text"):
            entry["type"] = "text"
            if isinstance(item.get("maxLength"), int):
                entry["max_length"] = item["maxLength"]
            return {}
        options = self._options(item)
        if options is None:
            return None
        if not options:
            self.problem(link_id, "no_options")
            return None
        weights = [option.weight for option in options]
        if item.get("repeats"):
            if any(weight is not None for weight in weights):
                self.note(link_id, "weights_dropped")
            return self._choice(entry, options, "multi_choice")
        if all(weight is None for weight in weights) and kind == "choice":
            return self._choice(entry, options, "choice")
        return self._scale(link_id, entry, options)

    def _choice(self, entry: dict[str, Any], options: list[AnswerOption], kind: str) -> dict:
        taken: set[str] = set()
        values: dict[tuple[str | None, str], Any] = {}
        entry["type"] = kind
        entry["options"] = []
        for option in options:
            value = v.identifier(option.code, taken, prefix="option")
            entry["options"].append(
                {"value": value, "text": option.text or {v.LANGUAGE: option.code, "en": option.code}}
            )
            values[(option.system, option.code)] = value
            values.setdefault((None, option.code), value)
        return values

    def _scale(self, link_id: str, entry: dict[str, Any], options: list[AnswerOption]) -> dict | None:
        """Options weighted by consecutive whole numbers: a scale. The product's own export has the
        step's number as the code (and a reversed item's weights reversed); others' are read as
        the weight."""
        weights = [option.weight for option in options]
        if any(weight is None or not float(weight).is_integer() for weight in weights) or len(set(weights)) != len(
            weights
        ):
            self.problem(link_id, "weights_not_scale", ", ".join("–" if w is None else f"{w:g}" for w in weights))
            return None
        steps = sorted(int(weight) for weight in weights if weight is not None)
        low, high = steps[0], steps[-1]
        if steps != list(range(low, high + 1)) or low == high:
            self.problem(link_id, "weights_not_scale", ", ".join(f"{step}" for step in steps))
            return None
        numbers = [int(option.code) if re.fullmatch(r"-?\d+", option.code) else None for option in options]
        raw = [int(option.weight or 0) for option in options]
        if all(number == low + high - weight for number, weight in zip(numbers, raw, strict=True)) and any(
            number != weight for number, weight in zip(numbers, raw, strict=True)
        ):
            entry["reversed"] = True
            raw = [low + high - weight for weight in raw]
        entry.update(type="scale", min=low, max=high)
        anchors = {value: option.text for value, option in zip(raw, options, strict=True) if option.text}
        for end in (low, high):
            anchors.setdefault(end, {v.LANGUAGE: str(end), v.OTHER_LANGUAGE: str(end)})
        entry["anchors"] = dict(sorted(anchors.items()))
        values: dict[tuple[str | None, str], Any] = {}
        for value, option in zip(raw, options, strict=True):
            values[(option.system, option.code)] = value
            values.setdefault((None, option.code), value)
        return values

    def _options(self, item: dict[str, Any]) -> list[AnswerOption] | None:
        link_id = item["linkId"]
        reference = item.get("answerValueSet")
        if reference:
            value_set = self.value_sets.get(reference[1:]) if reference.startswith("#") else None
            if value_set is None:
                self.problem(link_id, "external_answer_list", reference)
                return None
            return list(self._concepts(value_set))
        options = []
        for option in item.get("answerOption", []):
            weight = v.weight_of(option)
            if "valueCoding" in option:
                coding = option["valueCoding"]
                if "code" not in coding:
                    self.problem(link_id, "option_without_code")
                    return None
                weight = weight if weight is not None else v.weight_of(coding)
                text = v.read_text(coding, "display", self.language)
                options.append(AnswerOption(coding.get("system"), str(coding["code"]), text, weight))
            elif "valueInteger" in option:
                number = option["valueInteger"]
                options.append(AnswerOption(None, str(number), None, float(number) if weight is None else weight))
            elif "valueString" in option:
                text = v.read_text(option, "valueString", self.language)
                options.append(AnswerOption(None, option["valueString"], text, weight))
            else:
                self.problem(link_id, "option_type", next((key for key in option if key.startswith("value")), ""))
                return None
        return options

    def _concepts(self, value_set: dict[str, Any]):
        for include in value_set.get("compose", {}).get("include", []):
            for concept in include.get("concept", []):
                text = v.read_text(concept, "display", self.language)
                yield AnswerOption(include.get("system"), str(concept["code"]), text, v.weight_of(concept))
        stack = list(value_set.get("expansion", {}).get("contains", []))
        while stack:
            entry = stack.pop(0)
            if "code" in entry:
                text = v.read_text(entry, "display", self.language)
                yield AnswerOption(entry.get("system"), str(entry["code"]), text, v.weight_of(entry))
            stack.extend(entry.get("contains", []))

    def _condition(self, entry: dict[str, Any], item: dict[str, Any]) -> None:
        link_id = item["linkId"]
        conditions = item["enableWhen"]
        if len(conditions) > 1:
            self.problem(link_id, "several_conditions")
            return
        condition = conditions[0]
        if condition.get("operator") != "=":
            self.problem(link_id, "condition_operator", str(condition.get("operator")))
            return
        target = self.result.item_ids.get(condition.get("question", ""))
        if target is None:
            self.problem(link_id, "condition_unknown_item", str(condition.get("question")))
            return
        answer_key = next((key for key in condition if key.startswith("answer")), "")
        answer = condition.get(answer_key)
        values = self.result.answer_values[target]
        kind = next(item["type"] for item in self.items if item["id"] == target)
        if kind == "yes_no" and answer_key == "answerBoolean":
            entry["shown_when"] = {"item": target, "equals": answer}
        elif answer_key == "answerCoding" and isinstance(answer, dict):
            code = str(answer.get("code"))
            value = values.get((answer.get("system"), code), values.get((None, code)))
            if value is None:
                self.problem(link_id, "condition_answer", code)
                return
            entry["shown_when"] = {"item": target, "equals": value}
        elif kind == "scale" and answer_key == "answerInteger":
            entry["shown_when"] = {"item": target, "equals": answer}
        else:
            self.problem(link_id, "condition_answer", answer_key)

    # Scores

    def _score_scope(self, item: dict[str, Any], parents: list[str]) -> list[str] | None:
        """The linkIds whose weights the score adds (the enclosing group's for a section score, all
        for a total); None if the formula cannot be read as such a sum."""
        codes = {c.get("code") for c in item.get("code", []) if c.get("system") == v.HELSENORGE_SCORING}
        if "SS" in codes:
            return [parents[-1]] if parents else []
        if "TS" in codes or v.first_extension(item, v.SCORE):
            return []
        extension = v.first_extension(item, v.CALCULATED, v.HELSENORGE_CALCULATED, v.CQF_EXPRESSION) or {}
        expression = extension.get("valueExpression", {}).get("expression") or extension.get("valueString") or ""
        if not _WEIGHT_SUM.search(expression):
            return None
        return _SCOPE.findall(expression)

    def _score(
        self, item: dict[str, Any], scope: list[str] | None, rule: dict[str, Any] | None, refused_items: bool
    ) -> dict | None:
        link_id = item["linkId"]
        score_id = v.identifier(link_id.removeprefix(v.SCORE_PREFIX), self.taken["score"], prefix="score")
        self.result.score_ids[link_id] = score_id
        title = v.read_text(item, "text", self.language) or self._code_text(item) or {"nb": "Sum", "en": "Sum"}
        if rule is not None:
            return self._own_score(item, score_id, title, rule)
        if scope is None:
            self.problem(link_id, "formula")
            return None
        within = self._link_ids_within(scope) if scope else None
        scored = [
            entry["id"]
            for entry in self.items
            if entry["type"] == "scale"
            and (within is None or self.fhir_items[entry["id"]]["linkId"] in within)
            and (not self.scored_codes or self.fhir_items[entry["id"]]["linkId"] in self.scored_codes)
        ]
        if not scored:
            if not refused_items:
                self.problem(link_id, "score_without_items")
            return None
        return {"id": score_id, "title": title, "items": scored, "method": "sum", "min_answered": len(scored)}

    def _own_score(self, item: dict[str, Any], score_id: str, title: dict, rule: dict[str, Any]) -> dict:
        parts = rule.get("extension", [])
        value = {part["url"]: next((part[key] for key in part if key.startswith("value")), None) for part in parts}
        score: dict[str, Any] = {
            "id": score_id,
            "title": title,
            "items": [part["valueString"] for part in parts if part["url"] == "item"],
            "method": value.get("method"),
            "min_answered": value.get("minAnswered"),
        }
        if value.get("reliableChange") is not None:
            score["reliable_change"] = value["reliableChange"]
            score["reliable_change_source"] = value.get("reliableChangeSource")
        if value.get("normsSd") is not None:
            score["norms"] = {
                "sd": value["normsSd"],
                "reliability": value.get("normsReliability"),
                "source": value.get("normsSource"),
            }
        if value.get("primary"):
            score["primary"] = True
        roles = [extension.get("valueCode") for extension in v.extensions(item, v.ROLE)]
        if roles:
            score["roles"] = roles
        bands = []
        for band in (part for part in parts if part["url"] == v.BAND):
            fields = {p["url"]: next((p[k] for k in p if k.startswith("value")), None) for p in band["extension"]}
            label = v.read_text_extension(next(p for p in band["extension"] if p["url"] == "label"))
            bands.append(
                {
                    "id": fields["id"],
                    "min": fields["min"],
                    "max": fields["max"],
                    "concern": fields["concern"],
                    "label": label,
                }
            )
        if bands:
            score["_bands"] = bands
        return score

    def _link_ids_within(self, groups: list[str]) -> set[str]:
        found: set[str] = set()

        def collect(items: list[dict[str, Any]], inside: bool) -> None:
            for item in items:
                here = inside or item["linkId"] in groups
                if here:
                    found.add(item["linkId"])
                collect(item.get("item", []), here)

        collect(self.resource.get("item", []), False)
        return found

    # Texts

    def _code_text(self, item: dict[str, Any]) -> dict[str, str] | None:
        return next(
            (v.read_text(coding, "display", self.language) for coding in item.get("code", []) if coding.get("display")),
            None,
        )

    def _label(self, item: dict[str, Any]) -> dict[str, Any]:
        own = v.first_extension(item, v.LABEL)
        label = v.read_text_extension(own) if own else None
        if label is None:
            short = v.first_extension(item, v.SHORT_TEXT)
            label = v.read_text(short, "valueString", self.language) if short else None
        return {"label": label} if label else {}

    def _description(self, item: dict[str, Any]) -> dict[str, Any]:
        for child in item.get("item", []):
            if child.get("type") == "display" and v.item_control_code(child) in HELP_CONTROLS:
                text = v.read_text(child, "text", self.language)
                if text:
                    return {"description": text}
        return {}

    def _wording(self, element: dict[str, Any], *names: str) -> dict[str, dict[str, Any]]:
        """The product's `wording` extensions on an element: respondent -> {name: text}."""
        found: dict[str, dict[str, Any]] = {}
        for extension in v.extensions(element, v.WORDING):
            parts = extension.get("extension", [])
            respondent = next((p.get("valueCode") for p in parts if p.get("url") == "respondent"), None)
            texts = {p["url"]: v.read_text_extension(p) for p in parts if p.get("url") in names}
            if respondent and texts:
                found[respondent] = texts
        return found

    # The definition

    def _definition(self, scores: list[dict[str, Any]]) -> dict[str, Any]:
        resource = self.resource
        origin = resource.get("url") or resource.get("id") or ""
        definition: dict[str, Any] = {
            "key": _key(resource),
            "version": str(resource.get("version") or "1"),
            "respondent": next((e["valueCode"] for e in v.extensions(resource, v.RESPONDENT)), "patient"),
            "validated": False,
            "licence": v.read_text(resource, "copyright", self.language)
            or {"nb": "Kilden oppgir ingen lisens.", "en": "The source states no licence."},
            "attribution": v.read_text(resource, "purpose", self.language)
            or {"nb": f"Importert fra FHIR: {origin}".strip(), "en": f"Imported from FHIR: {origin}".strip()},
            "title": v.read_text(resource, "title", self.language)
            or v.read_text(resource, "name", self.language)
            or {"nb": _key(resource), "en": _key(resource)},
        }
        introduction = v.read_text(resource, "description", self.language)
        if introduction:
            definition["introduction"] = introduction
        reasons = [extension["valueCode"] for extension in v.extensions(resource, v.MISSING_REASON)]
        if reasons:
            definition["missing_reasons"] = reasons
        used = {item.get("section") for item in self.items}
        sections = [section for section in self.sections.values() if section["id"] in used]
        if sections:
            definition["sections"] = [{k: s[k] for k in s if not k.startswith("_")} for s in sections]
        definition["items"] = self.items
        for section in sections:
            for respondent, texts in section["_wording"].items():
                self.wordings.setdefault(respondent, {}).setdefault("sections", {})[section["id"]] = texts
        for respondent, texts in self._wording(resource, "introduction").items():
            self.wordings.setdefault(respondent, {})["introduction"] = texts["introduction"]
        if self.wordings:
            definition["wordings"] = {
                respondent: {k: wording[k] for k in ("introduction", "sections", "items") if k in wording}
                for respondent, wording in self.wordings.items()
            }
        if scores:
            definition["scores"] = [{k: s[k] for k in s if k != "_bands"} for s in scores]
            bands = [{"score": s["id"], "ranges": s["_bands"]} for s in scores if "_bands" in s]
            if bands:
                definition["bands"] = bands
        return definition


def _key(resource: dict[str, Any]) -> str:
    """The instrument key: the product's own from its canonical URL, else from id, name or URL."""
    url = str(resource.get("url") or "")
    if url.startswith(v.questionnaire_url("")):
        return url.removeprefix(v.questionnaire_url(""))
    raw = (
        resource.get("id")
        or resource.get("name")
        or url.rstrip("/").rsplit("/", 1)[-1]
        or resource.get("title")
        or "imported"
    )
    key = re.sub(r"[^a-z0-9]+", "-", re.sub(r"([a-z])([A-Z])", r"\1-\2", str(raw)).lower()).strip("-")[:60].strip("-")
    return key if key[:1].isalpha() else f"q-{key}"[:60].strip("-")
