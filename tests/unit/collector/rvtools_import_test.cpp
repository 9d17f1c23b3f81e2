// RVTools workbooks: the real exports in ../shared/samples/imports/rvtools (read there, never
// copied into the repository) and small workbooks written here with libzip for the cases no real
// file shows (shared strings, text in a number cell, broken files).
#include "collector/api/rvtools_import.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <map>

#include "common/file.h"
#include "tests/unit/collector/zip_fixture.h"

using namespace sahab::collector;
using nlohmann::json;
using sahab::testing::zip_of;

namespace {

const std::string kSamples = SAHAB_SOURCE_DIR "/../shared/samples/imports/rvtools/";

std::string sample(const std::string& name) { return sahab::read_file(kSamples + name); }

constexpr const char* kMain = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";

// A workbook whose sheets are (name, <row> elements), with an optional shared string table.
// `trailer` follows every sheet's rows (<mergeCells>, which Excel writes after them).
std::string workbook(const std::vector<std::pair<std::string, std::string>>& sheets,
                     const std::string& shared_strings = "", const std::string& trailer = "") {
  std::map<std::string, std::string> parts;
  std::string book = std::string("<workbook xmlns=\"") + kMain +
                     "\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/"
                     "relationships\"><sheets>";
  std::string rels =
      "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">";
  for (std::size_t i = 0; i < sheets.size(); ++i) {
    const auto n = std::to_string(i + 1);
    book += "<sheet name=\"" + sheets[i].first + "\" sheetId=\"" + n + "\" r:id=\"rId" + n + "\"/>";
    rels += "<Relationship Id=\"rId" + n + "\" Target=\"worksheets/sheet" + n + ".xml\"/>";
    parts["xl/worksheets/sheet" + n + ".xml"] = std::string("<worksheet xmlns=\"") + kMain +
                                                "\"><sheetData>" + sheets[i].second +
                                                "</sheetData>" + trailer + "</worksheet>";
  }
  parts["xl/workbook.xml"] = book + "</sheets></workbook>";
  parts["xl/_rels/workbook.xml.rels"] = rels + "</Relationships>";
  if (!shared_strings.empty())
    parts["xl/sharedStrings.xml"] =
        std::string("<sst xmlns=\"") + kMain + "\">" + shared_strings + "</sst>";
  return zip_of(parts);
}

std::string inline_cell(const std::string& ref, const std::string& text) {
  return "<c r=\"" + ref + "\" t=\"inlineStr\"><is><t>" + text + "</t></is></c>";
}

const json* host(const ImportPlan& plan, const std::string& id) {
  for (const auto& row : plan.hosts)
    if (row.host["id"] == id) return &row.host;
  return nullptr;
}

std::size_t labelled(const ImportPlan& plan, const std::string& label, const std::string& value) {
  std::size_t n = 0;
  for (const auto& row : plan.hosts)
    n += row.host.contains("labels") && row.host["labels"].value(label, "") == value;
  return n;
}

double sum(const json& disks, const char* field) {
  double total = 0;
  for (const auto& d : disks) total += d.value(field, 0.0);
  return total;
}

constexpr double kMiB = 1 << 20;

}  // namespace

TEST_CASE("rvtools: 4.7.1.4 workbook, disks from vPartition else vDisk, powered-off VMs marked") {
  const auto plan = plan_rvtools_import(sample("Yoobuu-Kylow/RVTOOLEX.xlsx"));
  CHECK(plan.errors.empty());
  REQUIRE(plan.hosts.size() == 133);
  CHECK(labelled(plan, "vmware.powerstate", "poweredOff") == 17);
  CHECK(labelled(plan, "vmware.template", "true") == 0);
  const json* h = host(plan, "vmware:5034ec9f-fe95-9c95-240a-ac7c2a49b3a7");
  REQUIRE(h);
  CHECK((*h)["cpu"]["cores"] == 8);
  CHECK((*h)["memory_bytes"] == 12288 * kMiB);
  CHECK((*h)["os"]["name"] == "Oracle Linux 8 (64-bit)");  // the Tools' answer over the .vmx's
  CHECK((*h)["os"]["family"] == "linux");
  CHECK((*h)["labels"]["vmware.cluster"] == "USFQ-TEST");
  REQUIRE((*h)["disks"].size() == 4);  // its four guest filesystems
  CHECK((*h)["disks"][0]["name"] == "/");
  CHECK(sum((*h)["disks"], "size_bytes") == 463306 * kMiB);
  CHECK(sum((*h)["disks"], "used_bytes") == 55086 * kMiB);
}

TEST_CASE("rvtools: 4.7.1.4 workbook with custom attributes mid-row, templates marked") {
  const auto plan =
      plan_rvtools_import(sample("abeggi/Farm-Lonati-RVTools_export_all_30052025.xlsx"));
  CHECK(plan.errors.empty());
  CHECK(plan.hosts.size() == 233);
  CHECK(labelled(plan, "vmware.template", "true") == 4);
  CHECK(labelled(plan, "vmware.powerstate", "poweredOff") == 22);
  const json* h = host(plan, "vmware:503b7093-812d-bb2a-a02f-4b1e64c4ed72");
  REQUIRE(h);
  CHECK((*h)["cpu"]["cores"] == 2);
  CHECK((*h)["os"]["family"] == "windows");
  REQUIRE((*h)["disks"].size() == 1);
  CHECK((*h)["disks"][0]["size_bytes"] == 81416 * kMiB);
  CHECK((*h)["disks"][0]["used_bytes"] == 45179 * kMiB);
  // A template without partitions: its virtual disks, sizes only.
  const json* t = host(plan, "vmware:5008e7da-1c8e-6c8b-0f77-50b241ae24a1");
  REQUIRE(t);
  CHECK((*t)["labels"]["vmware.template"] == "true");
  REQUIRE((*t)["disks"].size() == 1);
  CHECK((*t)["disks"][0]["name"] == "Hard disk 1");
  CHECK((*t)["disks"][0]["size_bytes"] == 81920 * kMiB);
  CHECK_FALSE((*t)["disks"][0].contains("used_bytes"));
}

TEST_CASE("rvtools: 4.4.3.0 workbook, hostname falls back to the VM name without a DNS name") {
  const auto plan = plan_rvtools_import(sample("abeggi/RVTools_2024-02-27.xlsx"));
  CHECK(plan.errors.empty());
  CHECK(plan.hosts.size() == 124);
  CHECK(labelled(plan, "vmware.powerstate", "poweredOff") == 19);
  const json* h = host(plan, "vmware:500d2e2a-ceb5-97e1-38e4-10639bf04d1f");
  REQUIRE(h);
  CHECK((*h)["hostname"] == "@FW-DPT05");
  CHECK((*h)["os"]["name"] == "FreeBSD 12 (64-bit)");
  CHECK((*h)["memory_bytes"] == 4096 * kMiB);
  // "0" CPUs (a VM whose configuration vCenter could not read): imported, core count unknown.
  const auto zero = std::find_if(plan.hosts.begin(), plan.hosts.end(), [](const ImportRow& r) {
    return r.host["labels"]["vmware.vm"] == "TEMPLATE-KUBERNETES";
  });
  REQUIRE(zero != plan.hosts.end());
  CHECK(zero->row == 95);
  CHECK_FALSE(zero->host.contains("cpu"));
}

TEST_CASE("rvtools: small 4.7 workbook, a VM with neither partitions nor disks sized from vInfo") {
  const auto plan = plan_rvtools_import(sample("abeggi/BCspa1.xlsx"));
  CHECK(plan.errors.empty());
  CHECK(plan.hosts.size() == 19);
  CHECK(labelled(plan, "vmware.powerstate", "poweredOff") == 14);
  const json* h = host(plan, "vmware:500a8eee-8a97-f1c4-2e85-888b47fe9cb8");
  REQUIRE(h);
  REQUIRE((*h)["disks"].size() == 1);
  CHECK((*h)["disks"][0] ==
        json{{"name", "disk0"}, {"size_bytes", 1353 * kMiB}, {"used_bytes", 0}});
}

TEST_CASE("rvtools: MB-era (3.x) workbook, trimmed columns, ids from VM names") {
  const auto plan = plan_rvtools_import(sample("mjvincent/SizingWorkshop-RVTools.xlsx"));
  CHECK(plan.errors.empty());
  CHECK(plan.hosts.size() == 805);  // of 3,503 rows: the rest are formatted empty rows
  CHECK(labelled(plan, "vmware.template", "true") == 10);
  CHECK(labelled(plan, "vmware.powerstate", "poweredOff") == 42);
  const json* h = host(plan, "vmware:ntextwwwtest01");
  REQUIRE(h);
  CHECK((*h)["cpu"]["cores"] == 4);
  CHECK((*h)["memory_bytes"] == 8192 * kMiB);
  REQUIRE((*h)["disks"].size() == 2);  // "Capacity MB", "Consumed MB"
  CHECK((*h)["disks"][1]["name"] == "E:\\");
  CHECK((*h)["disks"][1]["size_bytes"] == 51198 * kMiB);
  CHECK((*h)["disks"][1]["used_bytes"] == 19576 * kMiB);
}

TEST_CASE("rvtools: kubev2v example and the synthetic small workbook") {
  const auto kube = plan_rvtools_import(sample("kubev2v/example1.xlsx"));
  CHECK(kube.errors.empty());
  CHECK(kube.hosts.size() == 9);
  const json* vm1 = host(kube, "vmware:500b85c1-ef0d-37fb-6897-61c47157f858");
  REQUIRE(vm1);
  CHECK((*vm1)["os"]["name"] == "Amazon Linux 2 (64-bit)");  // no Tools: the .vmx's OS
  CHECK((*vm1)["hostname"] == "vm-1");
  const json* vm9 = host(kube, "vmware:vm-9");  // no VM UUID, no CPUs or Memory: still a host
  REQUIRE(vm9);
  CHECK_FALSE(vm9->contains("cpu"));

  const auto small = plan_rvtools_import(sample("mjvincent/rvtools-small-complete.xlsx"));
  CHECK(small.errors.empty());
  CHECK(small.hosts.size() == 3);
  const json* archive = host(small, "vmware:sample-archive-01");
  REQUIRE(archive);
  CHECK((*archive)["labels"]["vmware.powerstate"] == "poweredOff");
  CHECK_FALSE((*archive)["labels"].contains("vmware.template"));
  CHECK((*archive)["labels"]["vmware.host"] == "sample-host-01");
}

TEST_CASE(
    "rvtools: shared strings, MB headers, a far cell, a bad number reported with its row and "
    "column") {
  // Columns by name: CPUs after a custom attribute, no DNS Name, cells skipped by reference.
  const std::string shared =
      "<si><t>VM</t></si><si><t>Powerstate</t></si><si><t>Backup</t></si><si><t>CPUs</t></si>"
      "<si><t>Memory</t></si><si><t>Provisioned MB</t></si><si><t>In Use MB</t></si>"
      "<si><t>Template</t></si><si><r><t>web </t></r><r><t>01</t></r><rPh><t>x</t></rPh></si>"
      "<si><t>poweredOff</t></si><si><t>True</t></si>";
  const std::string info =
      "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c>"
      "<c r=\"C1\" t=\"s\"><v>2</v></c><c r=\"D1\" t=\"s\"><v>3</v></c><c r=\"E1\" "
      "t=\"s\"><v>4</v></c>"
      "<c r=\"F1\" t=\"s\"><v>5</v></c><c r=\"G1\" t=\"s\"><v>6</v></c><c r=\"H1\" "
      "t=\"s\"><v>7</v></c></row>"
      "<row r=\"2\"><c r=\"A2\" t=\"s\"><v>8</v></c><c r=\"D2\"><v>2</v></c><c "
      "r=\"E2\"><v>1024</v></c>"
      "<c r=\"F2\"><v>2048</v></c><c r=\"G2\"><v>1024.5</v></c><c r=\"XFD2\"><v>1</v></c></row>" +
      std::string("<row r=\"3\">") + inline_cell("A3", "db") + inline_cell("D3", "four") +
      "<c r=\"E3\"><v>1024</v></c></row><row r=\"4\"/>" + "<row r=\"5\">" +
      inline_cell("A5", "tpl") +
      "<c r=\"B5\" t=\"s\"><v>9</v></c><c r=\"H5\" t=\"s\"><v>10</v></c></row>" + "<row r=\"6\">" +
      inline_cell("A6", "tpl") + "</row>";
  const auto plan = plan_rvtools_import(workbook({{"vInfo", info}}, shared));
  REQUIRE(plan.hosts.size() == 2);
  const json& web = plan.hosts[0].host;
  CHECK(plan.hosts[0].row == 2);
  CHECK(web["hostname"] == "web 01");  // rich-text runs joined, the phonetic hint left out
  CHECK(web["id"].get<std::string>().starts_with("vmware:web_01-"));  // the space made safe
  CHECK(web["memory_bytes"] == 1024 * kMiB);
  CHECK(web["disks"][0]["size_bytes"] == 2048 * kMiB);
  CHECK(web["disks"][0]["used_bytes"] == 1024.5 * kMiB);
  CHECK(plan.hosts[1].host["labels"]["vmware.template"] == "true");
  CHECK(plan.hosts[1].host["labels"]["vmware.powerstate"] == "poweredOff");
  REQUIRE(plan.errors.size() == 2);
  CHECK(plan.errors[0].row == 3);
  CHECK(plan.errors[0].id == "db");
  CHECK(plan.errors[0].message == "vInfo row 3, column 'CPUs': expected a number, got 'four'");
  CHECK(plan.errors[1].message == "vInfo row 6: same server as vInfo row 5 (id 'vmware:tpl')");
}

TEST_CASE("rvtools: broken workbooks are refused with the problem named") {
  const auto whole = sample("mjvincent/rvtools-small-complete.xlsx");
  CHECK(looks_like_workbook(whole));
  CHECK_FALSE(looks_like_workbook("id,hostname\n"));
  CHECK_THROWS_WITH_AS(plan_rvtools_import(whole.substr(0, whole.size() / 2)),
                       doctest::Contains("not a readable .xlsx workbook"), std::invalid_argument);
  const std::string vhost = "<row r=\"1\">" + inline_cell("A1", "Host") + "</row>";
  CHECK_THROWS_WITH_AS(plan_rvtools_import(workbook({{"vHost", vhost}})),
                       doctest::Contains("no 'vInfo' sheet (sheets: vHost)"),
                       std::invalid_argument);
  const std::string no_cpus =
      "<row r=\"1\">" + inline_cell("A1", "VM") + inline_cell("B1", "Memory") + "</row>";
  CHECK_THROWS_WITH_AS(
      plan_rvtools_import(workbook({{"vInfo", no_cpus}})),
      doctest::Contains("vInfo: missing column 'CPUs'; expected an RVTools export"),
      std::invalid_argument);
  std::map<std::string, std::string> many;
  for (int i = 0; i <= 1000; ++i) many["part" + std::to_string(i)] = "x";
  CHECK_THROWS_WITH_AS(plan_rvtools_import(zip_of(many)),
                       doctest::Contains("more than 1000 zip entries"), std::invalid_argument);
  CHECK_THROWS_WITH_AS(plan_rvtools_import(zip_of({{"readme.txt", "not a workbook"}})),
                       doctest::Contains("not an .xlsx workbook: the zip has no 'xl/workbook.xml'"),
                       std::invalid_argument);
  CHECK_THROWS_WITH_AS(
      plan_rvtools_import(workbook({{"vInfo", "<row><c t=\"s\"><v>7</v></c></row>"}})),
      doctest::Contains("no shared string '7'"), std::invalid_argument);
}

TEST_CASE(
    "rvtools: formulas read as their saved value, merged cells and value-less formulas named") {
  const std::string header = "<row r=\"1\">" + inline_cell("A1", "VM") + inline_cell("B1", "CPUs") +
                             inline_cell("C1", "Memory") + inline_cell("D1", "Cluster") + "</row>";
  // web: CPUs a formula with the value Excel saved, its cluster merged over the next row; db: a
  // formula a library wrote without computing it; app: a formula whose value is an error.
  const std::string rows =
      "<row r=\"2\">" + inline_cell("A2", "web") +
      "<c r=\"B2\"><f>2*2</f><v>4</v></c><c r=\"C2\"><v>4096</v></c>" + inline_cell("D2", "CL-1") +
      "</row><row r=\"3\">" + inline_cell("A3", "db") +
      "<c r=\"B3\"><f>B2</f></c><c r=\"C3\"><v>4096</v></c><c r=\"D3\"/></row><row r=\"4\">" +
      inline_cell("A4", "app") +
      "<c r=\"B4\" t=\"e\"><f>1/0</f><v>#DIV/0!</v></c><c r=\"C4\"><v>1024</v></c></row>";
  const auto plan = plan_rvtools_import(
      workbook({{"vInfo", header + rows}}, "",
               "<mergeCells count=\"1\"><mergeCell ref=\"D2:D3\"/></mergeCells>"));
  REQUIRE(plan.hosts.size() == 2);
  CHECK(plan.hosts[0].host["cpu"]["cores"] == 4);
  CHECK(plan.hosts[0].host["labels"]["vmware.cluster"] == "CL-1");
  CHECK_FALSE(plan.hosts[1].host.contains("cpu"));
  CHECK_FALSE(plan.hosts[1].host["labels"].contains("vmware.cluster"));
  REQUIRE(plan.errors.size() == 1);
  CHECK(plan.errors[0].message == "vInfo row 4, column 'CPUs': expected a number, got '#DIV/0!'");
  REQUIRE(plan.warnings.size() == 2);
  CHECK(plan.warnings[0] ==
        "sheet 'vInfo': 1 merged cell ranges (D2:D3): only the first cell of each holds the value, "
        "the others read as empty; unmerge them and fill each row");
  CHECK(plan.warnings[1] ==
        "sheet 'vInfo': 1 formula cells saved without their computed value (B3) read as empty; "
        "open and save the workbook in a spreadsheet to compute them");
}
