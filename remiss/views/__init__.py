"""Views: thin. They check access (`remiss.access`), read (`remiss.queries`), validate
(`remiss.forms`) and act (`remiss.workflow`); no business logic lives here."""
