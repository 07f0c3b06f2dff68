"""A synthetic handbook of N documents for benchmarks: seeded, deterministic, and valid.

The mix is 80 % SOPs, 15 % processes and 5 % retrospectives, with sizes like the example
handbook's: 8 to 25 steps per flow with decisions and loops that have a way out, 3 to 6 roles,
a paragraph of instructions per step with checks and warnings, metrics, risks, a rollout plan
and a quiz that covers every step. 30 roles (so ownership spreads over navigation groups) and
60 glossary terms live in `roles.yml` and `glossary.yml`.

Every document is drawn from its own random generator, seeded by the handbook seed and the
document id, so `SOP-B-00001` is the same document at N=100 and at N=5000 (references to
other documents point at near neighbours, which exist at every N). The whole handbook passes
`sopsite check --strict --today 2026-11-21`.

    python benchmarks/synth.py 1000 /tmp/handbook/sops      # writes the YAML files
"""

from __future__ import annotations

import datetime as dt
import random
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

SEED = 2026
TODAY = dt.date(2026, 11, 21)
"""The day the handbook is valid on: every review falls due after it."""

PREFIX = {"sop": "SOP-B", "process": "PROC-B", "retro": "RETRO-B"}
FOLDER = {"sop": "sops", "process": "processes", "retro": "retros"}

ROLES: list[tuple[str, str, str]] = [
    ("it-director", "IT Director", "Leads the IT department and answers for its services"),
    ("system-administrator", "System Administrator", "Runs the servers and applications"),
    ("level-1-technician", "Level 1 Technician", "Is the first contact for users' problems"),
    ("network-engineer", "Network Engineer", "Designs and runs the networks and firewalls"),
    ("security-officer", "Security Officer", "Owns information security policy and response"),
    ("database-administrator", "Database Administrator", "Keeps the databases healthy"),
    ("service-desk-lead", "Service Desk Lead", "Runs the service desk and its queues"),
    ("quality-lead", "Quality Lead", "Keeps the management system consistent and audited"),
    ("process-owner", "Process Owner", "Answers for one business process end to end"),
    ("project-manager", "Project Manager", "Plans and steers projects and rollouts"),
    ("change-manager", "Change Manager", "Plans communication and support for changes"),
    ("hr-manager", "HR Manager", "Leads human resources and employment policy"),
    ("hr-advisor", "HR Advisor", "Supports managers and staff on HR matters"),
    ("payroll-specialist", "Payroll Specialist", "Runs payroll and its controls"),
    ("finance-controller", "Finance Controller", "Owns financial reporting and controls"),
    ("accounts-payable-clerk", "Accounts Payable Clerk", "Processes supplier invoices"),
    ("procurement-officer", "Procurement Officer", "Buys goods and services and manages suppliers"),
    ("legal-counsel", "Legal Counsel", "Advises on contracts, disputes and regulation"),
    ("compliance-officer", "Compliance Officer", "Checks that work follows laws and rules"),
    ("facilities-manager", "Facilities Manager", "Runs buildings, maintenance and safety"),
    ("warehouse-supervisor", "Warehouse Supervisor", "Leads the warehouse team and its stock"),
    ("logistics-coordinator", "Logistics Coordinator", "Plans shipments and carriers"),
    ("customer-service-lead", "Customer Service Lead", "Leads a customer service team"),
    ("customer-service-agent", "Customer Service Agent", "Handles customer contacts"),
    ("sales-manager", "Sales Manager", "Leads sales and key accounts"),
    ("marketing-coordinator", "Marketing Coordinator", "Plans campaigns and publications"),
    ("data-protection-officer", "Data Protection Officer", "Oversees personal data handling"),
    ("internal-auditor", "Internal Auditor", "Audits controls independently of management"),
    ("operations-manager", "Operations Manager", "Runs daily operations and their metrics"),
    ("training-coordinator", "Training Coordinator", "Plans and records staff training"),
]
ROLE_IDS = [role_id for role_id, _, _ in ROLES]

TERMS = [
    "Access matrix", "Audit trail", "Backlog", "Baseline", "Business continuity",
    "Change request", "Checklist", "Continuous improvement", "Control", "Corrective action",
    "Data owner", "Deviation", "Escalation", "Four-eyes principle", "Incident", "Key user",
    "KPI", "Lead time", "Major incident", "Non-conformity", "Onboarding", "Pilot",
    "Post-mortem", "Pre-mortem", "Preventive action", "Priority", "Problem", "RACI", "Record",
    "Release", "Retention period", "Risk", "Risk owner", "Root cause", "Rollback", "Rollout",
    "Runbook", "Service level", "SOP", "Stakeholder", "Supplier", "Segregation of duties",
    "Service desk", "Threshold", "Traceability", "Verification", "Validation",
    "Work instruction", "Workaround", "Go-live", "Handover", "Maintenance window",
    "Master data", "Purchase order", "Reconciliation", "Sign-off", "Service catalogue",
    "Escalation path", "Evidence", "Exception",
]
TERM_IDS = [re.sub(r"[^a-z0-9]+", "-", term.lower()).strip("-") for term in TERMS]

PEOPLE = [
    "Helena Virtanen", "Marko Laine", "Aino Korhonen", "Priya Raman", "Daniel Okafor",
    "Sara Lindqvist", "Tomás Ferreira", "Riikka Mäkinen", "Joonas Heikkinen", "Grace Mensah",
    "Lukas Becker", "Mei Tanaka", "Omar Haddad", "Ingrid Solberg", "Carlos Mendes",
    "Fatima Zahra", "Elias Nieminen", "Hannah Walsh", "Yusuf Demir", "Anna Kowalska",
]

TAGS = [
    "it", "security", "hr", "finance", "procurement", "legal", "compliance", "facilities",
    "warehouse", "logistics", "customer-service", "sales", "marketing", "privacy", "audit",
    "onboarding", "offboarding", "backup", "incident", "change", "release", "training",
    "quality", "safety", "supplier", "payroll", "reporting", "data", "access", "network",
]

VERBS = [
    "Receive", "Verify", "Record", "Review", "Approve", "Prepare", "Check", "Update", "Notify",
    "Escalate", "Archive", "Reconcile", "Test", "Schedule", "Assign", "Document", "Confirm",
    "Publish", "Validate", "Inspect", "Collect", "Analyse", "Register", "Hand over",
]
OBJECTS = [
    "the backup job", "the supplier record", "the access request", "the incident ticket",
    "the purchase order", "the change request", "the customer complaint", "the invoice batch",
    "the new starter's account", "the release package", "the audit evidence",
    "the firewall rule", "the data export", "the contract draft", "the training record",
    "the maintenance log", "the stock count", "the shipping manifest", "the risk register",
    "the payroll file", "the leaver's equipment", "the price list", "the safety inspection",
    "the vendor assessment", "the expense claim", "the service report", "the test results",
    "the deployment plan", "the customer order", "the master data change",
]
SUBJECTS = [
    "supplier onboarding", "user access reviews", "monthly payroll", "database backups",
    "incident handling", "software releases", "customer complaints", "invoice approval",
    "new starter onboarding", "leaver offboarding", "stock counts", "outbound shipments",
    "firewall changes", "contract renewals", "expense claims", "safety inspections",
    "price updates", "data exports", "vendor assessments", "training records",
    "maintenance windows", "master data changes", "purchase requests", "service reports",
    "audit evidence", "key rotation", "laptop provisioning", "returns handling",
    "account closures", "quarterly reporting",
]
TOOLS = [
    "the service desk tool", "the ERP system", "the HR system", "the document register",
    "the monitoring dashboard", "the ticket queue", "the asset database", "the shared drive",
    "the procurement portal", "the CRM", "the identity management console",
    "the warehouse system",
]
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
DURATIONS = ["15m", "30m", "45m", "1h", "2h", "4h", "1d"]
UNITS = [("%", 95.0, "higher"), ("%", 3.0, "lower"), ("hours", 8.0, "lower"),
         ("days", 5.0, "lower"), ("tickets", 20.0, "lower"), ("score out of 5", 4.0, "higher")]
FREQUENCIES = ["per-run", "daily", "weekly", "monthly", "quarterly", "yearly"]
PHASES = ["align-stakeholders", "instructions-and-permissions", "run", "track-and-control",
          "post-mortem", "iterate"]

SENTENCES = [
    "Open {tool} and find {obj} for the current period before you change anything.",
    "Compare {obj} with the source it came from and note every difference in the record.",
    "If a value is missing, ask the {role} for it rather than estimating it yourself.",
    "Work through the list in order of priority; the oldest items go first when priorities "
    "are equal.",
    "Use the saved view *{subject}* in {tool} so that every run is comparable with the last "
    "one.",
    "Record what you did, when, and with which settings, so that a colleague could repeat it.",
    "Anything that does not match the agreed threshold of {num} % is raised with the {role} "
    "on the same day.",
    "Attach the evidence (a screenshot, an export or the ticket number) to the record.",
    "Keep the four-eyes principle: the person who prepares {obj} never approves it.",
    "When {tool} is unavailable, use the paper form from the binder and enter it within one "
    "working day.",
    "Tell the people affected what happens next and when they can expect an answer.",
    "Check the retention period before deleting anything; when in doubt, archive instead.",
    "Mark the item as **done** only when every check below is satisfied.",
    "Allow about {minutes} minutes for this; a step that takes much longer usually hides a "
    "problem.",
    "Most problems here come from outdated master data, so confirm it is current first.",
    "Write the outcome in plain language; the record is read by people outside the team.",
    "Escalate to the {role} when the same issue appears for the third time this month.",
    "Do not change {obj} directly in production; raise a change request instead.",
]
CHECKS = [
    "{obj_cap} is complete: no mandatory field is empty.",
    "The numbers in {tool} match the source within {num} %.",
    "Every exception has a ticket and an owner.",
    "The record names who did the work and when.",
    "The {role} has confirmed the result in writing.",
    "Evidence is attached to the record.",
]
WARNINGS = [
    "Records completed days later are usually wrong in the details that matter most.",
    "Skipping this check has caused duplicate payments in the past.",
    "{tool_cap} hides archived items by default; clear the filter first.",
    "Granting broad rights 'for now' tends to become permanent.",
    "An export older than a day may miss late changes.",
]


def slug(text: str) -> str:
    """A lower-case id from a title: `Verify the backup job` -> `verify-backup-job`."""
    words = [w for w in re.sub(r"[^a-z0-9 ]+", "", text.lower()).split() if w != "the"]
    return "-".join(words)


def cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def doc_id(kind: str, number: int) -> str:
    """`SOP-B-00001` and friends (numbers start at 1)."""
    return f"{PREFIX[kind]}-{number:05d}"


@dataclass(frozen=True)
class Mix:
    """How many documents of each kind a handbook of N holds."""

    sops: int
    processes: int
    retros: int

    @classmethod
    def of(cls, n: int) -> Mix:
        sops = max(1, round(n * 0.80))
        processes = max(1, round(n * 0.15)) if n > 1 else 0
        return cls(sops, processes, max(0, n - sops - processes))


@dataclass(frozen=True)
class Meta:
    """What other documents need to know about a document: its version history."""

    id: str
    versions: tuple[str, ...]
    """Every version it went through, oldest first; the last is the current one."""
    effective: dt.date


class Synth:
    """The handbook's files as text, one document at a time, each from its own generator."""

    def __init__(self, n: int, seed: int = SEED) -> None:
        self.n = n
        self.seed = seed
        self.mix = Mix.of(n)

    # --- shared helpers -------------------------------------------------------------

    def rng(self, *key: object) -> random.Random:
        return random.Random(":".join(map(str, (self.seed, *key))))

    def meta(self, kind: str, number: int) -> Meta:
        rng = self.rng("meta", kind, number)
        major, minor = rng.randint(1, 3), rng.randint(0, 3)
        versions = ["1.0"]
        for m in range(1, major + 1):
            last = minor if m == major else rng.randint(0, 2)
            versions += [f"{m}.{k}" for k in range(1, last + 1)] if m == 1 else \
                [f"{m}.{k}" for k in range(last + 1)]
        effective = dt.date(2026, 1, 5) + dt.timedelta(days=rng.randint(0, 310))
        return Meta(doc_id(kind, number), tuple(versions), effective)

    def sentence(self, rng: random.Random, obj: str, roles: list[str],
                 subject: str = "") -> str:
        template = rng.choice(SENTENCES)
        role_name = ROLES[ROLE_IDS.index(rng.choice(roles))][1]
        return template.format(tool=rng.choice(TOOLS), obj=obj, role=role_name,
                               subject=subject or rng.choice(SUBJECTS),
                               num=rng.choice([1, 2, 5, 10]), minutes=rng.choice([10, 20, 30]))

    def paragraph(self, rng: random.Random, obj: str, roles: list[str], count: int,
                  subject: str = "") -> str:
        picked: list[str] = []
        while len(picked) < count:
            text = self.sentence(rng, obj, roles, subject)
            if text not in picked:
                picked.append(text)
        return " ".join(picked)

    def fill(self, rng: random.Random, templates: list[str], obj: str, roles: list[str],
             count: int) -> list[str]:
        chosen = rng.sample(templates, count)
        role_name = ROLES[ROLE_IDS.index(rng.choice(roles))][1]
        tool = rng.choice(TOOLS)
        return [t.format(obj=obj, obj_cap=cap(obj), tool=tool, tool_cap=cap(tool),
                         role=role_name, num=rng.choice([1, 2, 5])) for t in chosen]

    def neighbours(self, kind: str, number: int, count: int, total: int) -> list[str]:
        """Ids of documents of ``kind`` just after ``number`` (wrapping), never itself."""
        found: list[str] = []
        for step in range(1, total):
            if len(found) == count:
                break
            other = (number - 1 + step) % total + 1
            found.append(doc_id(kind, other))
        return found

    def control(self, meta: Meta, owner: str, rng: random.Random) -> dict[str, Any]:
        """Document control fields, from `kind` to `review_every` (12 months, due in 2027)."""
        return {"version": meta.versions[-1], "status": "effective", "owner": owner,
                "effective": meta.effective, "review_every": 12, "language": "en"}

    def approvals(self, meta: Meta, owner: str, rng: random.Random) -> list[dict[str, Any]]:
        review = meta.effective - dt.timedelta(days=rng.randint(6, 14))
        approve = meta.effective - dt.timedelta(days=rng.randint(1, 5))
        return [
            {"name": rng.choice(PEOPLE), "role": "quality-lead", "version": meta.versions[-1],
             "date": review, "meaning": "review"},
            {"name": rng.choice(PEOPLE), "role": owner, "version": meta.versions[-1],
             "date": approve, "meaning": "approval"},
        ]

    def changes(self, meta: Meta, roles: list[str], rng: random.Random, *,
                retrain: bool = True) -> list[dict[str, Any]]:
        """The change history; ``retrain`` names roles on major bumps (a retrospective has
        no training module to retrain on, TRAIN001)."""
        days = [meta.effective - dt.timedelta(days=rng.randint(15, 30))]
        while len(days) < len(meta.versions):
            days.insert(0, days[0] - dt.timedelta(days=rng.randint(40, 120)))
        entries = []
        for i, (version, day) in enumerate(zip(meta.versions, days, strict=True)):
            entry: dict[str, Any] = {"version": version, "date": day}
            if i == 0:
                entry["summary"] = "First issue."
            elif version.endswith(".0"):
                entry["summary"] = ("Reworked the flow after the last review: new decision "
                                    "point and an extra check before approval.")
            else:
                entry["summary"] = "Editorial. Clarified the wording of two steps."
            entry["author"] = rng.choice(PEOPLE)
            if retrain and version.endswith(".0") and i > 0:
                entry["retrain"] = sorted(set(rng.sample(roles, min(2, len(roles)))))
            entries.append(entry)
        return entries

    # --- flows and quizzes ----------------------------------------------------------

    def steps(self, rng: random.Random, actors: list[str], count: int,
              sop_for: list[str], linked: float) -> list[dict[str, Any]]:
        """A flow of ``count`` steps with decisions, loops that have a way out, and an end."""
        control: dict[int, dict[str, Any]] = {}
        fix_steps: set[int] = set()
        k = rng.randint(2, 4)
        while k <= count - 3:
            obj = rng.choice(OBJECTS)
            pattern = rng.choice("ABC")
            if pattern == "A":
                control[k] = {"decision": {
                    "question": f"Is {obj} complete and correct?",
                    "branches": [("yes", k + 1), ("no, send it back", rng.randint(max(0, k - 3),
                                                                                 k - 1))]}}
            elif pattern == "B":
                control[k] = {"decision": {
                    "question": f"Does {obj} pass every check?",
                    "branches": [("yes, accepted", k + 2), ("no, findings to fix", k + 1)]}}
                control[k + 1] = {"next": k}
                fix_steps.add(k + 1)
            else:
                control[k] = {"decision": {
                    "question": f"What does the review of {obj} show?",
                    "branches": [("on track", k + 1), ("not needed this time", k + 2),
                                 ("information missing", k - 1)]}}
            k += rng.randint(3, 6)
        control[count - 1] = {"end": True}

        titles: list[str] = []
        ids: list[str] = []
        for i in range(count):
            obj = rng.choice(OBJECTS)
            title = (f"Fix the findings on {obj}" if i in fix_steps
                     else f"{rng.choice(VERBS)} {obj}")
            base = slug(title)
            sid, n = base, 2
            while sid in ids:
                sid, n = f"{base}-{n}", n + 1
            titles.append(title)
            ids.append(sid)

        steps: list[dict[str, Any]] = []
        for i in range(count):
            obj = titles[i].split(" ", 1)[1] if i not in fix_steps else "the findings"
            step: dict[str, Any] = {"id": ids[i], "title": titles[i],
                                    "actor": rng.choice(actors),
                                    "duration": rng.choice(DURATIONS)}
            text = self.paragraph(rng, obj, actors, rng.randint(3, 5))
            if rng.random() < 0.3:
                items = rng.sample(OBJECTS, 3)
                text += "\n\nBefore you go on, make sure of:\n\n" + "\n".join(
                    f"- {cap(item)} is up to date;" for item in items)
            step["instructions"] = text + "\n"
            if rng.random() < 0.4:
                step["substeps"] = [f"{rng.choice(VERBS)} {o}." for o in
                                    rng.sample(OBJECTS, rng.randint(2, 4))]
            step["checks"] = self.fill(rng, CHECKS, obj, actors, rng.randint(1, 3))
            if rng.random() < 0.6:
                step["warnings"] = self.fill(rng, WARNINGS, obj, actors, rng.randint(1, 2))
            if sop_for and rng.random() < linked:
                step["sop"] = rng.choice(sop_for)
            how = control.get(i, {})
            if "decision" in how:
                step["decision"] = {
                    "question": how["decision"]["question"],
                    "branches": [{"label": label, "next": ids[target]}
                                 for label, target in how["decision"]["branches"]]}
            elif "next" in how:
                step["next"] = ids[how["next"]]
            elif how.get("end"):
                step["end"] = True
            steps.append(step)
        return steps

    def quiz(self, rng: random.Random, steps: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Questions covering every step: single, multiple, true/false and ordering."""
        questions: list[dict[str, Any]] = []
        i = 0
        while i < len(steps):
            chunk = steps[i:i + rng.choice([1, 2, 2, 3])]
            i += len(chunk)
            covers = [s["id"] for s in chunk]
            first = chunk[0]
            qid = f"q{len(questions) + 1}-{first['id']}"[:60].rstrip("-")
            kind = "ordering" if len(chunk) > 1 and rng.random() < 0.3 else \
                rng.choice(["single", "single", "multiple", "true-false"])
            question: dict[str, Any] = {"id": qid, "kind": kind}
            actor = ROLES[ROLE_IDS.index(first["actor"])][1]
            if kind == "ordering":
                question["prompt"] = "Put these steps in the order the procedure runs them."
                question["answer"] = covers
            elif kind == "true-false":
                truth = rng.random() < 0.5
                who = actor if truth else ROLES[rng.randrange(len(ROLES))][1]
                question["prompt"] = f"*{first['title']}* is done by the {who}."
                question["answer"] = truth or who == actor
            elif kind == "single":
                options = {"a": f"The {actor} does it, as the procedure says.",
                           "b": "Anyone who has time, in any order.",
                           "c": "Nobody: it is optional when the queue is long.",
                           "d": "The supplier, on request."}
                keys = list(options)
                rng.shuffle(keys)
                question["prompt"] = f"Who carries out *{first['title'].lower()}*?"
                question["options"] = {key: options[old] for key, old in
                                       zip("abcd", keys, strict=True)}
                question["answer"] = "abcd"[keys.index("a")]
            else:
                checks = first["checks"][:3]
                wrong = ["It can be skipped at month end.", "Nothing needs to be recorded."]
                texts = [*checks, *wrong]
                order = list(range(len(texts)))
                rng.shuffle(order)
                letters = "abcde"[:len(texts)]
                question["prompt"] = (f"Which of these belong to *{first['title'].lower()}*? "
                                      "Choose all that apply.")
                question["options"] = {letters[j]: texts[o] for j, o in enumerate(order)}
                question["answer"] = [letters[j] for j, o in enumerate(order) if o < len(checks)]
                if len(question["answer"]) == 1:
                    question["kind"] = "single"
                    question["answer"] = question["answer"][0]
            question["explanation"] = (
                f"The step is *{first['title']}*, performed by the {actor}. "
                + self.sentence(rng, "the record", [first["actor"]]))
            question["covers"] = covers
            questions.append(question)
        return questions

    def training(self, rng: random.Random, doc: dict[str, Any],
                 audience: list[str]) -> dict[str, Any]:
        return {
            "objectives": [f"Carry out {s['title'][0].lower()}{s['title'][1:]} without help."
                           for s in rng.sample(doc["steps"], min(3, len(doc["steps"])))],
            "audience": audience,
            "time": rng.choice(["30m", "45m", "1h"]),
            "tasks": ["Find the last three records of this procedure and read them."],
            "quiz": self.quiz(rng, doc["steps"]),
        }

    def metrics(self, rng: random.Random, roles: list[str], subject: str) -> list[dict[str, Any]]:
        result = []
        for i in range(rng.randint(2, 4)):
            unit, target, better = rng.choice(UNITS)
            result.append({"name": f"{cap(subject)}: measure {i + 1}", "target": target,
                           "unit": unit, "better": better,
                           "frequency": rng.choice(FREQUENCIES), "owner": rng.choice(roles)})
        return result

    def controls(self, rng: random.Random, subject: str) -> dict[str, list[str]]:
        return {
            "audits": [f"The Quality Lead samples ten {subject} records every half year."],
            "monitoring": [f"Open {subject} items and their age, on {rng.choice(TOOLS)}."],
            "adaptation": ["If the same deviation appears three months in a row, the owner "
                           "orders a root-cause analysis."],
        }

    # --- documents ------------------------------------------------------------------

    def sop(self, number: int) -> dict[str, Any]:
        meta = self.meta("sop", number)
        rng = self.rng("sop", number)
        owner = rng.choice(ROLE_IDS)
        others = rng.sample([r for r in ROLE_IDS if r != owner], rng.randint(2, 5))
        raci = ["responsible", "responsible", "consulted", "informed", "consulted"]
        involvement = [{"role": owner, "raci": "accountable",
                        "duties": "Owns the procedure and approves its results."}]
        involvement += [{"role": role, "raci": raci[i],
                         "duties": f"Takes part as {raci[i]} in the steps assigned to the role."}
                        for i, role in enumerate(others)]
        actors = [owner, *others[:2]]
        subject = rng.choice(SUBJECTS)
        obj = rng.choice(OBJECTS)
        title = f"{cap(subject)}: {rng.choice(['handling', 'checks', 'routine', 'approval'])}"
        doc: dict[str, Any] = {"kind": "sop", "id": meta.id, "title": title}
        doc.update(self.control(meta, owner, rng))
        doc["purpose"] = (self.paragraph(rng, obj, actors, 3, subject) + "\n\n"
                          + self.paragraph(rng, obj, actors, 2, subject) + "\n")
        doc["scope"] = (f"Applies to all {subject} handled by the organisation. "
                        f"Does **not** apply to {rng.choice(SUBJECTS)}, which has its own "
                        "procedure.\n")
        doc["roles"] = involvement
        doc["prerequisites"] = [f"{cap(o)} is available in {rng.choice(TOOLS)}."
                                for o in rng.sample(OBJECTS, rng.randint(2, 4))]
        doc["permissions"] = [f"Edit rights in {t}." for t in rng.sample(TOOLS, 2)]
        doc["inputs"] = [cap(o) + "." for o in rng.sample(OBJECTS, rng.randint(2, 4))]
        doc["outputs"] = [f"An updated record of {o}." for o in rng.sample(OBJECTS, 2)]
        sop_links = self.neighbours("sop", number, 3, self.mix.sops)
        doc["steps"] = self.steps(rng, actors, rng.randint(8, 25), sop_links, 0.1)
        doc["controls"] = self.controls(rng, subject)
        doc["metrics"] = self.metrics(rng, actors, subject)
        doc["training"] = self.training(rng, doc, actors)
        doc["terms"] = sorted(rng.sample(TERM_IDS, rng.randint(3, 8)))
        doc["tags"] = sorted(rng.sample(TAGS, rng.randint(2, 4)))
        doc["related"] = self.neighbours("sop", number, 2, self.mix.sops)
        doc["approvals"] = self.approvals(meta, owner, rng)
        doc["changes"] = self.changes(meta, actors, rng)
        return doc

    def process(self, number: int) -> dict[str, Any]:
        meta = self.meta("process", number)
        rng = self.rng("process", number)
        owner = rng.choice(ROLE_IDS)
        stakeholders = [owner, *rng.sample([r for r in ROLE_IDS if r != owner],
                                           rng.randint(2, 5))]
        subject = rng.choice(SUBJECTS)
        obj = rng.choice(OBJECTS)
        base = (number * 5) % max(1, self.mix.sops)
        sops = [doc_id("sop", (base + j) % self.mix.sops + 1) for j in range(4)]
        doc: dict[str, Any] = {"kind": "process", "id": meta.id,
                               "title": f"{cap(subject)} end to end"}
        doc.update(self.control(meta, owner, rng))
        doc["type"] = rng.choice(["linear", "repetitive", "adaptive"])
        doc["level"] = rng.choice(["strategic", "tactical", "operational"])
        doc["objective"] = (f"Every case of {subject} is completed within "
                            f"{rng.randint(2, 10)} working days, with fewer than "
                            f"{rng.randint(1, 5)} % rework.")
        doc["strategy"] = self.paragraph(rng, obj, stakeholders, 3, subject)
        doc["tactics"] = [self.sentence(rng, o, stakeholders, subject)
                          for o in rng.sample(OBJECTS, rng.randint(3, 5))]
        doc["operations"] = [f"{rng.choice(VERBS)} {o} every week."
                             for o in rng.sample(OBJECTS, rng.randint(3, 6))]
        doc["inputs"] = [cap(o) + "." for o in rng.sample(OBJECTS, 3)]
        doc["outputs"] = [f"A closed record of {o}." for o in rng.sample(OBJECTS, 2)]
        doc["stakeholders"] = [{"role": r, "interest": f"Reliable {subject} with no surprises "
                                "for the role's own work."} for r in stakeholders]
        doc["steps"] = self.steps(rng, stakeholders, rng.randint(8, 25), sops, 0.6)
        risks = []
        for i in range(rng.randint(3, 6)):
            likelihood, impact = rng.randint(1, 5), rng.randint(1, 5)
            risk: dict[str, Any] = {"id": f"risk-{i + 1}-{slug(rng.choice(OBJECTS))}",
                                    "description": f"{cap(rng.choice(OBJECTS))} is late or "
                                    "wrong, and nobody notices until the customer does.",
                                    "likelihood": likelihood, "impact": impact}
            if likelihood * impact >= 15 or rng.random() < 0.7:
                risk["mitigation"] = self.sentence(rng, obj, stakeholders, subject)
                risk["owner"] = rng.choice(stakeholders)
            risks.append(risk)
        doc["premortem"] = risks
        phases = sorted(rng.sample(range(len(PHASES)), rng.randint(3, 6)))
        start = meta.effective
        rollout = []
        for index in phases:
            end = start + dt.timedelta(days=rng.randint(5, 30))
            rollout.append({"phase": PHASES[index],
                            "activities": [self.sentence(rng, obj, stakeholders, subject)],
                            "owner": rng.choice(stakeholders), "start": start, "end": end,
                            "exit_criteria": [f"{cap(obj)} is signed off."]})
            start = end + dt.timedelta(days=1)
        doc["rollout"] = rollout
        doc["controls"] = self.controls(rng, subject)
        doc["metrics"] = self.metrics(rng, stakeholders, subject)
        used = sorted({s["sop"] for s in doc["steps"] if "sop" in s} | {sops[0]})
        doc["sops"] = used
        doc["training"] = self.training(rng, doc, stakeholders[:3])
        doc["terms"] = sorted(rng.sample(TERM_IDS, rng.randint(4, 10)))
        doc["tags"] = sorted(rng.sample(TAGS, rng.randint(2, 4)))
        doc["related"] = self.neighbours("process", number, 1, self.mix.processes)
        doc["approvals"] = self.approvals(meta, owner, rng)
        doc["changes"] = self.changes(meta, stakeholders, rng)
        return doc

    def retro(self, number: int) -> dict[str, Any]:
        meta = self.meta("retro", number)
        rng = self.rng("retro", number)
        if self.mix.processes and number % 3:
            kind, total = "process", self.mix.processes
        else:
            kind, total = "sop", self.mix.sops
        subject_number = (number * 7) % total + 1
        subject_meta = self.meta(kind, subject_number)
        owner = rng.choice(ROLE_IDS)
        held = dt.date(2025, 3, 1) + dt.timedelta(days=rng.randint(0, 600))
        effective = held + dt.timedelta(days=rng.randint(3, 10))
        meta = Meta(meta.id, meta.versions, effective)
        topic = rng.choice(SUBJECTS)
        people = rng.sample(PEOPLE, rng.randint(4, 8))
        doc: dict[str, Any] = {"kind": "retro", "id": meta.id,
                               "title": f"{cap(topic)}: post-mortem of {MONTHS[held.month - 1]} "
                               f"{held.year}"}
        doc.update(self.control(meta, owner, rng))
        doc["date"] = held
        doc["subject"] = {"document": subject_meta.id,
                          "version": rng.choice(subject_meta.versions)}
        doc["facilitator"] = people[0]
        doc["participants"] = people[1:]
        doc["summary"] = (self.paragraph(rng, "the cycle", [owner], 3, topic) + "\n\n"
                          + self.paragraph(rng, "the cycle", [owner], 2, topic) + "\n")
        doc["went_well"] = [self.sentence(rng, o, [owner], topic)
                            for o in rng.sample(OBJECTS, rng.randint(2, 4))]
        doc["to_improve"] = [self.sentence(rng, o, [owner], topic)
                             for o in rng.sample(OBJECTS, rng.randint(2, 4))]
        doc["unexpected"] = [f"{cap(rng.choice(OBJECTS))} arrived twice."]
        metrics = []
        for i in range(rng.randint(3, 5)):
            unit, target, better = rng.choice(UNITS)
            metrics.append({"name": f"{cap(topic)}: measure {i + 1}", "target": target,
                            "observed": round(target * rng.uniform(0.7, 1.3), 1),
                            "unit": unit, "better": better})
        doc["metrics"] = metrics
        actions = []
        for i in range(rng.randint(3, 6)):
            action: dict[str, Any] = {
                "id": f"action-{i + 1}", "description": self.sentence(rng, "the checklist",
                                                                      [owner], topic),
                "owner": rng.choice(ROLE_IDS)}
            days = rng.randint(20, 200)
            status = rng.choice(["open", "in-progress", "done", "done", "dropped"])
            # an action still open falls due after the day the handbook is valid on, so
            # that ACTION001 (open and past due) stays quiet under --strict
            start = held if status in ("done", "dropped") else max(held, TODAY)
            action.update(due=start + dt.timedelta(days=days), status=status)
            if i == 0:
                action["changes"] = subject_meta.id
            actions.append(action)
        doc["actions"] = actions
        doc["decisions"] = [f"The next run of {topic} keeps the new checklist."]
        doc["terms"] = sorted(rng.sample(TERM_IDS, rng.randint(2, 5)))
        doc["tags"] = sorted(rng.sample(TAGS, rng.randint(1, 3)))
        doc["related"] = [subject_meta.id]
        doc["approvals"] = self.approvals(meta, owner, rng)
        doc["changes"] = self.changes(meta, [owner], rng, retrain=False)
        return doc

    def roles(self) -> list[dict[str, Any]]:
        return [{"kind": "role", "id": role_id, "name": name, "description": description + ".",
                 "responsibilities": [f"Keeps the procedures the {name} owns up to date.",
                                      "Takes part in reviews and retrospectives."],
                 "permissions": ["Read access to the handbook and its records."],
                 # Every role owns documents, and an owner approves its own.
                 "can_approve": True}
                for role_id, name, description in ROLES]

    def glossary(self) -> list[dict[str, Any]]:
        rng = self.rng("glossary")
        entries = []
        for i, (term, term_id) in enumerate(zip(TERMS, TERM_IDS, strict=True)):
            others = [TERM_IDS[(i + 1) % len(TERMS)], TERM_IDS[(i + 7) % len(TERMS)]]
            entries.append({"kind": "term", "id": term_id, "term": term,
                            "definition": f"{term} as this handbook uses it: "
                            + self.sentence(rng, "the record", ROLE_IDS),
                            "see_also": others})
        return entries

    # --- output ---------------------------------------------------------------------

    def files(self) -> dict[str, str]:
        """Relative path -> YAML text, in a fixed order."""
        out = {"roles.yml": dump(self.roles()), "glossary.yml": dump(self.glossary())}
        for kind, count in (("sop", self.mix.sops), ("process", self.mix.processes),
                            ("retro", self.mix.retros)):
            for number in range(1, count + 1):
                out[f"{FOLDER[kind]}/{doc_id(kind, number)}.yml"] = self.text(kind, number)
        return out

    def text(self, kind: str, number: int) -> str:
        """The YAML file of one document."""
        make = {"sop": self.sop, "process": self.process, "retro": self.retro}[kind]
        return (f"# Synthetic {kind} for benchmarks (seed {self.seed}); generated by "
                f"benchmarks/synth.py.\n{dump(make(number))}")

    def write(self, root: Path) -> int:
        """Write the handbook under ``root`` (created); return the number of bytes."""
        total = 0
        for relative, text in self.files().items():
            path = root / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            data = text.encode("utf-8")
            path.write_bytes(data)
            total += len(data)
        return total


class _Dumper(yaml.SafeDumper):
    """Multi-line text as literal blocks, like authors write it."""


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def dump(data: Any) -> str:
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)


def main(argv: list[str]) -> int:
    if len(argv) not in (2, 3):
        print("usage: python benchmarks/synth.py N OUT_DIR [SEED]", file=sys.stderr)
        return 2
    n, out = int(argv[0]), Path(argv[1])
    seed = int(argv[2]) if len(argv) == 3 else SEED
    size = Synth(n, seed).write(out)
    print(f"{n} documents ({Mix.of(n)}) in {out}: {size / 1e6:.1f} MB of YAML")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
