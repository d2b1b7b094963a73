"""The organisation import: reading, checking and planning a file of parties, bodies, politicians,
seats and officers, without writing anything.

- `columns`: the file's layout (kinds of row, sheets, Swedish headers, the words the cells take).
- `read`: the file through tablib (XLSX or CSV) to rows of cleaned cells; `ReadError` when unreadable.
- `values`: cells to values (dates, choices), the name in running text, a new term's dates.
- `existing`: the database's organisation, read once.
- `context`: the plan's state: outcomes, records found and planned, the writes.
- `plan` (parties, bodies), `people` (politicians, officers), `seats` (seats, terms, earlier terms'
  seats): each row to create, change, unchanged or error.
- `template`: the template to fill in, as XLSX or CSV.
- `uploads`: an uploaded file kept between the preview and the confirmation.

`remiss.workflow.import_organisation` saves a plan; docs/organisation-import.md describes the file.
"""

from remiss.organisation.columns import RowKind
from remiss.organisation.context import Action, Outcome, Plan
from remiss.organisation.plan import plan_import
from remiss.organisation.read import ImportFile, ReadError, read_file

__all__ = ["Action", "ImportFile", "Outcome", "Plan", "ReadError", "RowKind", "plan_import", "read_file"]
