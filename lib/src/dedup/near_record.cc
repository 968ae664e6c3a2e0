#include "dedup/near_record.h"

#include <fmt/format.h>

namespace bitmill::dedup::detail {

RecordReader::RecordReader(const NearOptions& o) : opts_(o), keys_(o.key, NormalizeOptions{}) {}

Status RecordReader::read(std::string_view line, std::string_view where, std::string_view& text, std::string* id) {
  if (!opts_.jsonl) {
    if (!keys_.extract(line, buf_, text)) {
      return data_error(fmt::format("{}: --key {} needs a second tab-separated column, and this line has no tab", where,
                                    opts_.key == KeyField::kTgt ? "tgt" : "pair"));
    }
    return Status::ok();
  }
  simdjson::dom::element doc;
  simdjson::dom::object obj;
  if (parser_.parse(line.data(), line.size(), true).get(doc) != simdjson::SUCCESS ||
      doc.get(obj) != simdjson::SUCCESS) {
    return data_error(fmt::format("{}: not a JSON object", where));
  }
  if (obj[opts_.text_field].get(text) != simdjson::SUCCESS) {
    return data_error(
        fmt::format("{}: no string field \"{}\" (set the field with --text-field)", where, opts_.text_field));
  }
  if (id != nullptr && !opts_.id_field.empty()) {
    simdjson::dom::element v;
    std::string_view s;
    if (obj[opts_.id_field].get(v) != simdjson::SUCCESS) {
      return data_error(fmt::format("{}: no field \"{}\" (--id-field)", where, opts_.id_field));
    }
    if (v.get(s) == simdjson::SUCCESS) {
      id->assign(s);
    } else if (v.is_int64() || v.is_uint64() || v.is_double()) {
      *id = simdjson::minify(v);
    } else {
      return data_error(
          fmt::format("{}: field \"{}\" (--id-field) is not a string or a number", where, opts_.id_field));
    }
  }
  return Status::ok();
}

}  // namespace bitmill::dedup::detail
