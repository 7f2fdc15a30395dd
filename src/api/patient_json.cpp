#include "api/patient_json.h"

#include <set>

#include "api/json_writer.h"

namespace openkap::api {

using nlohmann::json;

json patient_to_json(const Patient& p) {
  const auto& f = p.fields;
  json diagnoses = json::array();
  for (const auto& d : f.diagnoses) diagnoses.push_back({{"code", d.code}, {"text", d.text}});
  json history = json::array();
  for (const auto& h : p.status_history)
    history.push_back({{"status", h.status}, {"changed_at", h.changed_at}, {"changed_by", h.changed_by}, {"reason", h.reason}});
  json team = json::array();
  for (const auto& m : p.care_team)
    team.push_back({{"user_id", m.user_id}, {"username", m.username}, {"display_name", m.display_name},
                    {"role", m.role}, {"capacity", m.capacity}, {"added_at", m.added_at}});
  json referral = nullptr;
  if (f.referral) {
    const auto& r = *f.referral;
    referral = {{"referring_user_id", r.referring_user_id ? json(*r.referring_user_id) : json(nullptr)},
                {"referrer_name", r.referrer_name},
                {"referrer_contact", r.referrer_contact},
                {"reason", r.reason},
                {"notes", r.notes},
                {"referral_date", r.referral_date.empty() ? json(nullptr) : json(r.referral_date)}};
  }
  return json{
      {"id", p.id},
      {"mrn", p.mrn},
      {"version", p.version},
      {"archived", p.archived},
      {"archive",
       p.archived ? json{{"at", p.archived_at}, {"reason", p.archive_reason}, {"by", p.archived_by}} : json(nullptr)},
      {"given_name", f.given_name},
      {"family_name", f.family_name},
      {"birth_date", f.birth_date},
      {"sex_at_birth", f.sex_at_birth},
      {"gender_identity", f.gender_identity},
      {"pronouns", f.pronouns},
      {"race", f.race},
      {"ethnicity", f.ethnicity},
      {"preferred_language", f.preferred_language},
      {"phone", f.phone},
      {"email", f.email},
      {"address",
       {{"line1", f.address.line1}, {"line2", f.address.line2}, {"city", f.address.city},
        {"region", f.address.region}, {"postal_code", f.address.postal_code}, {"country", f.address.country}}},
      {"emergency_contact",
       {{"name", f.emergency_contact.name}, {"relationship", f.emergency_contact.relationship},
        {"phone", f.emergency_contact.phone}}},
      {"escort_contact", {{"name", f.escort_contact.name}, {"phone", f.escort_contact.phone}}},
      {"diagnoses", diagnoses},
      {"status", f.status},
      {"status_history", history},
      {"referral", referral},
      {"care_team", team},
      {"created_at", p.created_at},
      {"updated_at", p.updated_at},
  };
}

std::string patient_json_text(const Patient& p) {
  const auto& f = p.fields;
  JsonWriter w(2048);
  w.begin_object();
  w.field("id", p.id).field("mrn", p.mrn).field("version", p.version).field("archived", p.archived);
  w.key("archive");
  if (p.archived)
    w.begin_object().field("at", p.archived_at).field("reason", p.archive_reason).field("by", p.archived_by).end_object();
  else
    w.null();
  w.field("given_name", f.given_name).field("family_name", f.family_name).field("birth_date", f.birth_date);
  w.field("sex_at_birth", f.sex_at_birth).field("gender_identity", f.gender_identity).field("pronouns", f.pronouns);
  w.key("race").begin_array();
  for (const auto& r : f.race) w.value(r);
  w.end_array();
  w.field("ethnicity", f.ethnicity).field("preferred_language", f.preferred_language);
  w.field("phone", f.phone).field("email", f.email);
  w.key("address").begin_object();
  w.field("line1", f.address.line1).field("line2", f.address.line2).field("city", f.address.city);
  w.field("region", f.address.region).field("postal_code", f.address.postal_code).field("country", f.address.country);
  w.end_object();
  w.key("emergency_contact").begin_object();
  w.field("name", f.emergency_contact.name).field("relationship", f.emergency_contact.relationship);
  w.field("phone", f.emergency_contact.phone).end_object();
  w.key("escort_contact").begin_object();
  w.field("name", f.escort_contact.name).field("phone", f.escort_contact.phone).end_object();
  w.key("diagnoses").begin_array();
  for (const auto& d : f.diagnoses) w.begin_object().field("code", d.code).field("text", d.text).end_object();
  w.end_array();
  w.field("status", f.status);
  w.key("status_history").begin_array();
  for (const auto& h : p.status_history)
    w.begin_object()
        .field("status", h.status)
        .field("changed_at", h.changed_at)
        .field("changed_by", h.changed_by)
        .field("reason", h.reason)
        .end_object();
  w.end_array();
  w.key("referral");
  if (f.referral) {
    const auto& r = *f.referral;
    w.begin_object().field("referring_user_id", r.referring_user_id).field("referrer_name", r.referrer_name);
    w.field("referrer_contact", r.referrer_contact).field("reason", r.reason).field("notes", r.notes);
    w.key("referral_date").string_or_null(r.referral_date);
    w.end_object();
  } else {
    w.null();
  }
  w.key("care_team").begin_array();
  for (const auto& m : p.care_team)
    w.begin_object()
        .field("user_id", m.user_id)
        .field("username", m.username)
        .field("display_name", m.display_name)
        .field("role", m.role)
        .field("capacity", m.capacity)
        .field("added_at", m.added_at)
        .end_object();
  w.end_array();
  w.field("created_at", p.created_at).field("updated_at", p.updated_at);
  w.end_object();
  return w.take();
}

void write_summary_json(JsonWriter& w, const PatientSummary& s) {
  w.begin_object()
      .field("id", s.id)
      .field("mrn", s.mrn)
      .field("given_name", s.given_name)
      .field("family_name", s.family_name)
      .field("birth_date", s.birth_date)
      .field("sex_at_birth", s.sex_at_birth)
      .field("status", s.status)
      .field("archived", s.archived)
      .field("version", s.version)
      .end_object();
}

json summary_to_json(const PatientSummary& s) {
  JsonWriter w(256);
  write_summary_json(w, s);
  return json::parse(w.take());
}

namespace {

Error type_error(const std::string& field, const char* expected) {
  return Error{"validation", std::string("must be ") + expected, field};
}

// A string field: absent leaves the value; null clears it; anything else but a string is an error.
std::optional<Error> take_string(const json& obj, const char* key, const std::string& path, std::string& out) {
  auto it = obj.find(key);
  if (it == obj.end()) return std::nullopt;
  if (it->is_null()) {
    out.clear();
    return std::nullopt;
  }
  if (!it->is_string()) return type_error(path, "a string");
  out = it->get<std::string>();
  return std::nullopt;
}

std::optional<Error> reject_unknown(const json& obj, const std::set<std::string>& known, const std::string& prefix) {
  for (auto it = obj.begin(); it != obj.end(); ++it)
    if (!known.count(it.key())) return Error{"validation", "is not a known field", prefix + it.key()};
  return std::nullopt;
}

template <class Fn>
std::optional<Error> take_object(const json& obj, const char* key, Fn&& fn) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return std::nullopt;
  if (!it->is_object()) return type_error(key, "an object");
  return fn(*it, std::string(key) + ".");
}

}  // namespace

std::optional<Error> apply_patient_json(const json& body, bool is_create, PatientFields& f, PatientChange& change) {
  static const std::set<std::string> known{
      "given_name", "family_name", "birth_date", "sex_at_birth", "gender_identity", "pronouns", "race",
      "ethnicity", "preferred_language", "phone", "email", "address", "emergency_contact", "escort_contact",
      "diagnoses", "status", "status_reason", "referral", "version",
      // Read-only fields a client may echo back from a GET; they are ignored, never applied.
      "id", "mrn", "archived", "archive", "status_history", "care_team", "created_at", "updated_at"};
  if (auto e = reject_unknown(body, known, "")) return e;

  if (is_create) {
    for (const char* required : {"given_name", "family_name", "birth_date", "sex_at_birth"})
      if (!body.contains(required) || body[required].is_null())
        return Error{"validation", "is required", required};
  }
  for (const char* k : {"given_name", "family_name", "birth_date", "sex_at_birth", "status"}) {
    auto it = body.find(k);
    if (it != body.end() && !it->is_string()) return type_error(k, "a string");
  }
  std::pair<const char*, std::string*> strings[] = {
      {"given_name", &f.given_name},       {"family_name", &f.family_name},
      {"birth_date", &f.birth_date},       {"sex_at_birth", &f.sex_at_birth},
      {"gender_identity", &f.gender_identity}, {"pronouns", &f.pronouns},
      {"ethnicity", &f.ethnicity},         {"preferred_language", &f.preferred_language},
      {"phone", &f.phone},                 {"email", &f.email},
      {"status", &f.status},               {"status_reason", &change.status_reason},
  };
  for (auto& [key, out] : strings)
    if (auto e = take_string(body, key, key, *out)) return e;

  if (auto it = body.find("race"); it != body.end()) {
    if (it->is_null()) {
      f.race.clear();
    } else {
      if (!it->is_array()) return type_error("race", "an array of strings");
      std::vector<std::string> race;
      for (size_t i = 0; i < it->size(); ++i) {
        if (!(*it)[i].is_string()) return type_error("race[" + std::to_string(i) + "]", "a string");
        race.push_back((*it)[i].get<std::string>());
      }
      f.race = std::move(race);
    }
  }

  if (auto e = take_object(body, "address", [&](const json& o, const std::string& p) -> std::optional<Error> {
        if (auto e = reject_unknown(o, {"line1", "line2", "city", "region", "postal_code", "country"}, p)) return e;
        std::pair<const char*, std::string*> fs[] = {{"line1", &f.address.line1}, {"line2", &f.address.line2},
                                                      {"city", &f.address.city}, {"region", &f.address.region},
                                                      {"postal_code", &f.address.postal_code},
                                                      {"country", &f.address.country}};
        for (auto& [k, out] : fs)
          if (auto e = take_string(o, k, p + k, *out)) return e;
        return std::nullopt;
      }))
    return e;
  if (auto e = take_object(body, "emergency_contact", [&](const json& o, const std::string& p) -> std::optional<Error> {
        if (auto e = reject_unknown(o, {"name", "relationship", "phone"}, p)) return e;
        std::pair<const char*, std::string*> fs[] = {{"name", &f.emergency_contact.name},
                                                      {"relationship", &f.emergency_contact.relationship},
                                                      {"phone", &f.emergency_contact.phone}};
        for (auto& [k, out] : fs)
          if (auto e = take_string(o, k, p + k, *out)) return e;
        return std::nullopt;
      }))
    return e;
  if (auto e = take_object(body, "escort_contact", [&](const json& o, const std::string& p) -> std::optional<Error> {
        if (auto e = reject_unknown(o, {"name", "phone"}, p)) return e;
        if (auto e = take_string(o, "name", p + "name", f.escort_contact.name)) return e;
        return take_string(o, "phone", p + "phone", f.escort_contact.phone);
      }))
    return e;

  if (auto it = body.find("diagnoses"); it != body.end()) {
    if (it->is_null()) {
      f.diagnoses.clear();
    } else {
      if (!it->is_array()) return type_error("diagnoses", "an array of {code, text}");
      std::vector<Diagnosis> ds;
      for (size_t i = 0; i < it->size(); ++i) {
        const auto& d = (*it)[i];
        const auto p = "diagnoses[" + std::to_string(i) + "].";
        if (!d.is_object()) return type_error("diagnoses[" + std::to_string(i) + "]", "an object");
        if (auto e = reject_unknown(d, {"code", "text"}, p)) return e;
        Diagnosis out;
        if (auto e = take_string(d, "code", p + "code", out.code)) return e;
        if (auto e = take_string(d, "text", p + "text", out.text)) return e;
        ds.push_back(std::move(out));
      }
      f.diagnoses = std::move(ds);
    }
  }

  if (auto it = body.find("referral"); it != body.end()) {
    if (it->is_null()) {
      // A referral, once recorded, is part of the history: it can be corrected, not removed.
    } else {
      if (!it->is_object()) return type_error("referral", "an object");
      const auto& o = *it;
      if (auto e = reject_unknown(o,
                                  {"referring_user_id", "referrer_name", "referrer_contact", "reason", "notes",
                                   "referral_date"},
                                  "referral."))
        return e;
      Referral r = f.referral.value_or(Referral{});
      if (auto u = o.find("referring_user_id"); u != o.end()) {
        if (u->is_null()) r.referring_user_id.reset();
        else if (u->is_number_integer() && u->get<int64_t>() > 0) r.referring_user_id = u->get<int64_t>();
        else return type_error("referral.referring_user_id", "a user id (positive integer) or null");
      }
      std::pair<const char*, std::string*> fs[] = {{"referrer_name", &r.referrer_name},
                                                    {"referrer_contact", &r.referrer_contact},
                                                    {"reason", &r.reason},
                                                    {"notes", &r.notes},
                                                    {"referral_date", &r.referral_date}};
      for (auto& [k, out] : fs)
        if (auto e = take_string(o, k, std::string("referral.") + k, *out)) return e;
      f.referral = std::move(r);
    }
  }

  if (auto it = body.find("version"); it != body.end() && !it->is_null()) {
    if (!it->is_number_integer() || it->get<int64_t>() < 1) return type_error("version", "a positive integer");
    change.version = it->get<int64_t>();
  }
  return std::nullopt;
}

}  // namespace openkap::api
