-- The container template of each revision (the canonical JSON its config hash is taken of, with
-- Secret digests, never values), so that a plan can diff what a container runs against the spec.
ALTER TABLE revisions ADD COLUMN container_template TEXT;
