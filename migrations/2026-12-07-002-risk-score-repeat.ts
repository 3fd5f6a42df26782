// Frozen in time: a migration never imports application code.
import { sql, type Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  // A debtor's latest score (the band a new score is compared with) as one index probe however many
  // scores the debtor has: the old index stopped at created_at, so the tie-break on id made PostgreSQL
  // sort every score of the debtor once its statistics were stale (measured: 1.7 ms for 2,000 scores).
  // The new index serves everything the old one did (same leading columns), so the old one goes.
  await sql`create index risk_scores_latest_ix on risk_scores (tenant_id, debtor_id, created_at desc, id desc)`.execute(db);
  await sql`drop index risk_scores_debtor_ix`.execute(db);

  // A repeated score of an unchanged debtor in one round trip (see src/risk-models/scoring.ts, "repeat").
  //
  // risk_score_fingerprint: a digest of everything a debtor's score depends on besides the as-of date
  // and today (which the caller keys on): the early_warning_monitoring consents that decide the
  // feature set and the reason text, the champions of both risk models, and the data stamps of both
  // feature sets (risk_feature_snapshot_lookup: one definition of what the features read). Null for a
  // debtor the tenant does not have.
  //
  // risk_score_repeat: stores a score an instance computed before under the fingerprint it was given,
  // only if, in this one statement, the key that asks is not revoked, the fingerprint is still the
  // debtor's and the debtor's latest stored band is the score's band (so the score raises no band
  // event). Otherwise stores nothing and returns the current fingerprint, and the caller scores the
  // full way. The insert commits asynchronously like every score record without a band event.
  // PL/pgSQL keeps the plans of its statements for the session: the warm path plans nothing.
  await sql`
    create function risk_score_fingerprint(p_tenant text, p_debtor uuid, p_catalogue text, p_model_ids text[])
    returns text
    language plpgsql stable as $$
    declare
      v_stamps record;
      v_consents text;
      v_champions text;
    begin
      select l.dp_stamp, l.bank_stamp into v_stamps from risk_feature_snapshot_lookup(p_tenant, p_debtor, '0001-01-01', p_catalogue) l;
      if not found then
        return null;
      end if;
      select coalesce(string_agg(c.id::text || ':' || c.status || ':' || c.valid_until::text, ',' order by c.created_at desc, c.id), '') into v_consents
        from consents c
        where c.tenant_id = p_tenant and c.debtor_id = p_debtor and c.purpose = 'early_warning_monitoring' and c.access_transactions and c.status in ('valid', 'expired');
      select coalesce(string_agg(m.model_id || ':' || m.version, ',' order by m.model_id), '') into v_champions
        from risk_model_champions m
        where m.tenant_id = p_tenant and m.model_id = any(p_model_ids);
      return md5(concat_ws('|', v_stamps.dp_stamp, v_stamps.bank_stamp, v_consents, v_champions));
    end
    $$`.execute(db);

  await sql`
    create function risk_score_repeat(
      p_tenant text, p_debtor uuid, p_key uuid, p_catalogue text, p_model_ids text[], p_fingerprint text,
      p_id uuid, p_as_of date, p_model_id text, p_model_version integer, p_feature_set text,
      p_probability double precision, p_band text, p_reasons jsonb, p_snapshot uuid, p_created_at timestamptz)
    returns table (key_valid boolean, fingerprint text, stored boolean)
    language plpgsql volatile as $$
    declare
      v_latest text;
    begin
      stored := false;
      key_valid := exists (select 1 from api_keys k where k.tenant_id = p_tenant and k.id = p_key and k.revoked_at is null);
      if not key_valid then
        return next;
        return;
      end if;
      fingerprint := risk_score_fingerprint(p_tenant, p_debtor, p_catalogue, p_model_ids);
      if fingerprint is null or p_fingerprint is null or fingerprint <> p_fingerprint then
        return next;
        return;
      end if;
      select r.band into v_latest from risk_scores r
        where r.tenant_id = p_tenant and r.debtor_id = p_debtor
        order by r.created_at desc, r.id desc
        limit 1;
      if v_latest is distinct from p_band then
        return next;
        return;
      end if;
      perform set_config('synchronous_commit', 'off', true);
      insert into risk_scores (tenant_id, id, debtor_id, as_of, model_id, model_version, feature_set, probability, band, reasons, feature_snapshot_id, requested_by, created_at)
        values (p_tenant, p_id, p_debtor, p_as_of, p_model_id, p_model_version, p_feature_set, p_probability, p_band, p_reasons, p_snapshot, p_key::text, p_created_at);
      stored := true;
      return next;
    end
    $$`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await sql`create index risk_scores_debtor_ix on risk_scores (tenant_id, debtor_id, created_at)`.execute(db);
  await sql`drop index risk_scores_latest_ix`.execute(db);
  await sql`drop function risk_score_repeat(text, uuid, uuid, text, text[], text, uuid, date, text, integer, text, double precision, text, jsonb, uuid, timestamptz)`.execute(db);
  await sql`drop function risk_score_fingerprint(text, uuid, text, text[])`.execute(db);
}
