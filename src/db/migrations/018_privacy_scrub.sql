-- Privacy (issue 11, docs/privacy.md): a text in which an erased person's identifiers and name are
-- replaced. needles[i] becomes replacements[i] wherever it stands as a whole word (not inside a longer
-- word: erasing "Jan" leaves "Jansen"), case-insensitively. Used on plain text and on jsonb as text
-- (the caller passes the JSON-escaped needles too). Empty needles are skipped.
create or replace function cadans_scrub(t text, needles text[], replacements text[]) returns text
language plpgsql immutable parallel safe as $$
declare
  i int;
  pattern text;
begin
  if t is null then
    return null;
  end if;
  for i in 1 .. coalesce(array_length(needles, 1), 0) loop
    if coalesce(needles[i], '') <> '' and position(lower(needles[i]) in lower(t)) > 0 then
      pattern := '(^|[^[:alnum:]_])' || regexp_replace(needles[i], '([.^$*+?()\[\]{}|\\-])', '\\\1', 'g') || '(?=$|[^[:alnum:]_])';
      t := regexp_replace(t, pattern, '\1' || replace(replacements[i], '\', '\\'), 'gi');
    end if;
  end loop;
  return t;
end
$$;
