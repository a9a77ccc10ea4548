-- A source is "rest", "crd" or "git:<namespace>/<name>": room for a namespace and a name.
ALTER TABLE resources ALTER COLUMN source SET DATA TYPE VARCHAR(320);
