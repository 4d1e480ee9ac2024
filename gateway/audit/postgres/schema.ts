// Tables of the PostgreSQL audit backend. Replicas insert into audit_pending; the sequencer moves
// rows into audit_leaves (numbered) and audit_tree (stored subtree hashes) in one transaction.
export const PG_SCHEMA_SQL = `
create table if not exists audit_pending (id bigserial primary key, record text not null);
create table if not exists audit_leaves (
  seq bigint primary key,
  pending_id bigint not null,
  leaf bytea not null,
  time timestamptz not null,
  team text not null,
  model text,
  decision text not null
);
create index if not exists audit_leaves_pending on audit_leaves (pending_id);
create table if not exists audit_tree (level int not null, idx bigint not null, hash bytea not null, primary key (level, idx));
create table if not exists audit_checkpoints (id bigserial primary key, size bigint not null, note text not null);
create table if not exists audit_content (digest text primary key, body text not null, stored_at timestamptz not null default now());
`;
