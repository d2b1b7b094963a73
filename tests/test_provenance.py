"""remiss.provenance: the history-row reads the memo and the history pages share."""

import ast
from pathlib import Path

import pytest

from remiss import provenance
from remiss.memo.gather import gather
from remiss.models import Body, Memo, Opinion, Party, User
from tests.factories import BodyFactory, PartyFactory
from tests.test_memo import answered_case

REMISS = Path(provenance.__file__).parent


def _imports(path: Path) -> set[str]:
    """Every module a file imports, at the top or inside a function."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize(
    "path", [REMISS / "provenance.py", REMISS / "statement_reads.py", *sorted((REMISS / "history").glob("*.py"))]
)
def test_provenance_and_history_import_neither_the_page_reads_nor_the_workflow(path):
    """The workflow's and the pages' modules sit above these; importing them back made a cycle."""
    imported = _imports(path)
    for above in ("remiss.queries", "remiss.workflow", "remiss.views", "remiss.memo"):
        assert not any(name == above or name.startswith(f"{above}.") for name in imported), (path.name, above)


def test_resolve_model_only_for_the_apps_models_with_a_history():
    assert provenance.resolve_model("remiss.opinion") is Opinion
    assert provenance.resolve_model("remiss.memo") is None
    assert provenance.resolve_model("remiss.user") is None
    assert provenance.resolve_model("nonsense") is None
    assert provenance.model_label(Opinion) == "remiss.opinion"


@pytest.mark.django_db
def test_latest_history_ids_are_what_the_memo_stores():
    """The memo notes each record's newest history row; provenance reads it the same way."""
    case = answered_case(3)
    sources = gather(case).sources
    records: dict = {}
    for source in sources:
        model = provenance.resolve_model(str(source["model"]))
        records.setdefault(model, set()).add(source["pk"])
    assert sorted(provenance.latest_history_ids(records), key=repr) == sorted(sources, key=repr)


@pytest.mark.django_db
def test_memo_source_rows_are_typed_and_in_the_recorded_order(django_assert_num_queries):
    body, gone = BodyFactory(), BodyFactory()
    party = PartyFactory(abbreviation="X")
    sources = provenance.latest_history_ids({Body: {body.pk, gone.pk}, Party: {party.pk}})
    sources.append({"model": "remiss.nonsense", "pk": 1, "history_id": 1})
    gone_pk = gone.pk
    gone.delete()
    memo = Memo(sources=sources)
    with django_assert_num_queries(4):  # two per model named
        rows = provenance.memo_source_rows(memo)
    assert [row.source for row in rows] == sources
    by_pk = {(row.model, row.source["pk"]): row for row in rows}
    assert by_pk[(Body, body.pk)].obj == body and by_pk[(Body, body.pk)].row.history_id == sources[0]["history_id"]
    assert by_pk[(Body, gone_pk)].obj is None and by_pk[(Body, gone_pk)].row is not None  # deleted, its row kept
    assert by_pk[(Party, party.pk)].obj == party
    assert rows[-1].model is None and rows[-1].row is None and rows[-1].obj is None


@pytest.mark.django_db
def test_text_history_newest_first_with_its_user():
    user = User.objects.create(username="u")
    body = BodyFactory()
    body.name = "Nytt namn"
    body._history_user = user  # type: ignore[attr-defined]
    body.save()
    rows = provenance.text_history(Body, body.pk)
    assert [r.name for r in rows][0] == "Nytt namn" and rows[0].history_user == user
    assert rows[0].history_id > rows[-1].history_id
    assert provenance.history_row(Body, rows[-1].history_id).history_id == rows[-1].history_id
    assert provenance.current_of(Body, body.pk) == body
