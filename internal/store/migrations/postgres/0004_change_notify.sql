-- Wakes the long polls of every usecat process that shares this database, not only those of
-- the process that wrote: a statement that moves the change feed notifies the channel
-- usecat_changes. PostgreSQL delivers a notification when its transaction commits (never for
-- one rolled back) and folds duplicates within a transaction, so a write sends one.
-- (Numbered 0004 to keep the engines' numbers in step; SQLite has one process and needs none.)

CREATE FUNCTION usecat_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('usecat_changes', '');
    RETURN NULL;
END;
$$;

CREATE TRIGGER changes_notify AFTER INSERT OR UPDATE ON changes
    FOR EACH STATEMENT EXECUTE FUNCTION usecat_notify_change();
