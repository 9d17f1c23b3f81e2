#include "collector/api/xlsx.h"

#include <algorithm>
#include <cstdlib>
#include <exception>
#include <map>

#include "collector/api/import_xml.h"
#include "collector/api/import_zip.h"

namespace sahab::collector::xlsx {
namespace {

// "AB12" -> 27; nullopt when it does not start with 1 to 3 letters (Excel ends at XFD).
std::optional<std::size_t> column_index(std::string_view ref) {
  std::size_t column = 0, letters = 0;
  while (letters < ref.size() && ref[letters] >= 'A' && ref[letters] <= 'Z') {
    column = column * 26 + static_cast<std::size_t>(ref[letters] - 'A' + 1);
    ++letters;
  }
  if (letters == 0 || letters > 3 || column > 16384) return std::nullopt;
  return column - 1;
}

// A part's path in the zip from a relationship target: relative to xl/, or absolute ("/xl/…").
std::string part_path(std::string_view target) {
  return target.starts_with('/') ? std::string(target.substr(1)) : "xl/" + std::string(target);
}

// Text inside <t> elements, leaving out phonetic hints (<rPh>): the value of a shared string
// (<si>) or an inline one (<is>), plain or in rich-text runs (<r><t>).
class StringText {
 public:
  void start(std::string_view name) {
    if (name == "rPh") ++phonetic_;
    if (name == "t") in_t_ = true;
  }
  void end(std::string_view name) {
    if (name == "rPh") --phonetic_;
    if (name == "t") in_t_ = false;
  }
  void text(std::string_view s, std::string& into) const {
    if (in_t_ && phonetic_ == 0) into += s;
  }

 private:
  int phonetic_ = 0;
  bool in_t_ = false;
};

}  // namespace

struct Workbook::State {
  import::Zip zip;
  std::vector<std::pair<std::string, std::string>> sheets;  // name, part path
  std::vector<std::string> shared_strings;
  std::vector<std::string> notes;  // Workbook::notes()

  explicit State(std::string_view body) : zip(body, ".xlsx workbook") {}

  // Streams the part `name` through expat into `handler`, a chunk at a time: a sheet is never
  // held whole. False when the zip has no such part.
  bool read_xml(const std::string& name, xml::Handler& handler) const {
    xml::Parser parser("workbook part '" + name + "'", handler);
    return zip.stream(name, [&](std::string_view chunk, bool last) { parser.feed(chunk, last); });
  }

  void required(const std::string& name, xml::Handler& handler) const {
    if (!read_xml(name, handler))
      throw Error("not an .xlsx workbook: the zip has no '" + name + "'");
  }

  void read_sheet_list() {
    struct SheetList : xml::Handler {
      std::vector<std::pair<std::string, std::string>> sheets;  // name, relationship id
      void start(std::string_view name, const char** attributes) override {
        if (name != "sheet") return;
        const char* sheet = xml::attribute(attributes, "name");
        const char* id = xml::attribute(attributes, "id");  // r:id
        if (sheet && id) sheets.emplace_back(sheet, id);
      }
      void end(std::string_view) override {}
    } book;
    required("xl/workbook.xml", book);
    struct Relationships : xml::Handler {
      std::map<std::string, std::string> targets;  // relationship id -> part
      void start(std::string_view name, const char** attributes) override {
        const char* id = xml::attribute(attributes, "Id");
        const char* target = xml::attribute(attributes, "Target");
        if (name == "Relationship" && id && target) targets[id] = part_path(target);
      }
      void end(std::string_view) override {}
    } rels;
    required("xl/_rels/workbook.xml.rels", rels);
    for (const auto& [name, id] : book.sheets) {
      if (const auto it = rels.targets.find(id); it != rels.targets.end())
        sheets.emplace_back(name, it->second);
    }
  }

  void read_shared_strings() {
    struct SharedStrings : xml::Handler {
      std::vector<std::string>* strings;
      StringText text_of;
      void start(std::string_view name, const char**) override {
        if (name == "si") strings->emplace_back();
        text_of.start(name);
      }
      void end(std::string_view name) override { text_of.end(name); }
      void text(std::string_view s) override {
        if (!strings->empty()) text_of.text(s, strings->back());
      }
    } reader;
    reader.strings = &shared_strings;
    read_xml("xl/sharedStrings.xml", reader);  // a workbook of numbers and inline strings has none
  }
};

namespace {

// Reads <row>s of a sheet into Rows, handing each to `on_row` when it ends.
class SheetReader : public xml::Handler {
 public:
  SheetReader(const std::vector<std::string>& shared, std::string sheet,
              const std::function<void(const Row&)>& on_row)
      : shared_(shared), sheet_(std::move(sheet)), on_row_(on_row) {}

  void start(std::string_view name, const char** attributes) override {
    if (name == "row") {
      const char* r = xml::attribute(attributes, "r");
      row_ = Row{r ? std::strtoull(r, nullptr, 10) : row_.number + 1, {}};
    } else if (name == "c") {
      const char* r = xml::attribute(attributes, "r");
      const char* t = xml::attribute(attributes, "t");
      ref_ = r ? r : "";
      type_ = t ? t : "";
      value_.clear();
      formula_ = false;
      // Without a reference, a cell follows the previous one.
      column_ = r ? column_index(r) : row_.cells.empty() ? 0 : row_.cells.back().first + 1;
    } else if (name == "v") {
      in_v_ = true;
    } else if (name == "f") {
      formula_ = true;
    } else if (name == "mergeCell") {
      const char* ref = xml::attribute(attributes, "ref");
      if (ref) noted(merged_, ref);
    }
    string_.start(name);
  }

  // The sheet's merged cells and value-less formulas, worded for the user; none when it has none.
  std::vector<std::string> notes() const {
    std::vector<std::string> out;
    if (merged_.count) {
      out.push_back("sheet '" + sheet_ + "': " + std::to_string(merged_.count) +
                    " merged cell ranges (" + merged_.refs +
                    "): only the first cell of each holds the value, the others read as empty; "
                    "unmerge them and fill each row");
    }
    if (formulas_.count) {
      out.push_back("sheet '" + sheet_ + "': " + std::to_string(formulas_.count) +
                    " formula cells saved without their computed value (" + formulas_.refs +
                    ") read as empty; open and save the workbook in a spreadsheet to compute them");
    }
    return out;
  }

  void end(std::string_view name) override {
    string_.end(name);
    if (name == "v") in_v_ = false;
    if (name == "c") add_cell();
    if (name == "row") on_row_(row_);
  }

  void text(std::string_view s) override {
    if (in_v_) value_ += s;
    if (type_ == "inlineStr") string_.text(s, value_);
  }

 private:
  void add_cell() {
    // Cells are in column order; one that is not, or has a reference Excel would not write, has
    // nothing to place it by.
    if (!column_ || (!row_.cells.empty() && *column_ <= row_.cells.back().first)) return;
    if (type_ == "s") {  // an index into the shared strings
      const bool digits = !value_.empty() && value_.size() <= 9 &&
                          value_.find_first_not_of("0123456789") == std::string::npos;
      if (!digits || std::stoul(value_) >= shared_.size()) {
        throw Error("sheet '" + sheet_ + "' cell " + ref_ + ": no shared string '" +
                    value_.substr(0, 20) + "'");
      }
      value_ = shared_[std::stoul(value_)];
    }
    // A formula's value is the one the spreadsheet computed and saved (<v>); a library that
    // writes formulas without computing them leaves none.
    if (formula_ && value_.empty()) noted(formulas_, ref_);
    // Numbers, booleans, formula strings and errors stay as written.
    row_.cells.emplace_back(*column_, std::move(value_));
    value_.clear();
  }

  // Cells to name in a note: how many, and the first few references.
  struct Noted {
    std::size_t count = 0;
    std::string refs;
  };
  static void noted(Noted& noted, std::string_view ref) {
    constexpr std::size_t kNamed = 5;
    if (noted.count < kNamed)
      noted.refs += (noted.count ? ", " : "") + std::string(ref.substr(0, 24));
    if (++noted.count == kNamed + 1) noted.refs += ", ...";
  }

  const std::vector<std::string>& shared_;
  std::string sheet_;
  const std::function<void(const Row&)>& on_row_;
  StringText string_;
  Row row_;
  std::optional<std::size_t> column_;
  std::string ref_, type_, value_;
  bool in_v_ = false;
  bool formula_ = false;
  Noted merged_, formulas_;
};

}  // namespace

Workbook::Workbook(std::string_view body) : state_(std::make_unique<State>(body)) {
  state_->read_sheet_list();
  state_->read_shared_strings();
}

Workbook::~Workbook() = default;

std::vector<std::string> Workbook::sheet_names() const {
  std::vector<std::string> names;
  for (const auto& [name, part] : state_->sheets) names.push_back(name);
  return names;
}

bool Workbook::for_each_row(std::string_view name,
                            const std::function<void(const Row&)>& on_row) const {
  const auto it = std::find_if(state_->sheets.begin(), state_->sheets.end(),
                               [&](const auto& s) { return s.first == name; });
  if (it == state_->sheets.end()) return false;
  SheetReader reader(state_->shared_strings, it->first, on_row);
  state_->required(it->second, reader);
  for (auto& note : reader.notes()) state_->notes.push_back(std::move(note));
  return true;
}

std::vector<std::string> Workbook::notes() const { return state_->notes; }

}  // namespace sahab::collector::xlsx
