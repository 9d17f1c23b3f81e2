// collector/sources/soap_xml and vsphere_client: SOAP answers read namespace-aware and bounded,
// faults turned into reasons, and RetrievePropertiesEx pages followed through their token (vcsim
// never pages, so the pages here are recorded answers cut in two).
#include "collector/sources/vsphere_client.h"

#include <doctest/doctest.h>

#include "unit/collector/vcenter_fixture.h"

using namespace sahab::collector::vsphere;

namespace {

std::string envelope(const std::string& body, const char* xsi_prefix = "xsi") {
  return std::string(
             "<?xml version=\"1.0\"?><soapenv:Envelope "
             "xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\" xmlns:") +
         xsi_prefix + "=\"http://www.w3.org/2001/XMLSchema-instance\"><soapenv:Body>" + body +
         "</soapenv:Body></soapenv:Envelope>";
}

const char* kServiceContent =
    "<RetrieveServiceContentResponse xmlns=\"urn:vim25\"><returnval>"
    "<rootFolder type=\"Folder\">group-d1</rootFolder>"
    "<propertyCollector type=\"PropertyCollector\">propertyCollector</propertyCollector>"
    "<viewManager type=\"ViewManager\">ViewManager</viewManager>"
    "<about><fullName>VMware vCenter Server 8.0.2 "
    "build-1</fullName><apiType>VirtualCenter</apiType>"
    "</about><sessionManager type=\"SessionManager\">SessionManager</sessionManager>"
    "</returnval></RetrieveServiceContentResponse>";

std::string vm_object(const std::string& id, const std::string& name) {
  return "<objects><obj type=\"VirtualMachine\">" + id +
         "</obj><propSet><name>name</name><val xsi:type=\"xsd:string\">" + name +
         "</val></propSet></objects>";
}

// A server answering each method from a table, recording the requests it got.
struct RecordedServer {
  std::map<std::string, std::vector<std::string>> answers;  // method -> answers in turn
  std::vector<std::string> requests;

  SoapTransport transport() {
    return [this](const std::string& request) {
      requests.push_back(request);
      for (auto& [method, queue] : answers) {
        if (request.find("<" + method + ">") == std::string::npos || queue.empty()) continue;
        auto answer = queue.front();
        queue.erase(queue.begin());
        return envelope(answer);
      }
      FAIL("unexpected request " << request);
      return std::string();
    };
  }
};

}  // namespace

TEST_CASE("a SOAP answer's type attribute is read by namespace, whatever its prefix") {
  for (const char* prefix : {"xsi", "XMLSchema-instance"}) {
    const auto body = parse_soap_body(
        envelope(std::string("<R xmlns=\"urn:vim25\"><returnval ") + prefix +
                     ":type=\"VirtualDisk\"><capacityInKB>1024</capacityInKB></returnval>"
                     "<ref type=\"HostSystem\">host-1</ref></R>",
                 prefix));
    CHECK(body.name == "R");
    REQUIRE(body.find("returnval"));
    CHECK(body.find("returnval")->type == "VirtualDisk");
    CHECK(body.find("returnval")->text_of("capacityInKB") == "1024");
    CHECK(body.find("ref")->moref == "HostSystem");
    CHECK(body.find("ref")->type.empty());
  }
}

TEST_CASE("a SOAP fault is thrown with its type and message") {
  const auto fault = envelope(
      "<soapenv:Fault><faultcode>ServerFaultCode</faultcode><faultstring>Login failure"
      "</faultstring><detail><InvalidLoginFault xmlns=\"urn:vim25\" xsi:type=\"InvalidLogin\">"
      "</InvalidLoginFault></detail></soapenv:Fault>");
  try {
    parse_soap_body(fault);
    FAIL("no fault thrown");
  } catch (const SoapFault& f) {
    CHECK(f.type == "InvalidLogin");
    CHECK(std::string(f.what()) == "Login failure");
  }
}

TEST_CASE("answers that are not SOAP, or nested too deep, are refused") {
  CHECK_THROWS_AS(parse_soap_body("not xml at all"), SoapError);
  CHECK_THROWS_AS(parse_soap_body("<a><b/></a>"), SoapError);
  CHECK_THROWS_AS(parse_soap_body(envelope("")), SoapError);
  std::string deep;
  for (std::size_t i = 0; i < kMaxSoapDepth + 2; ++i) deep += "<d>";
  for (std::size_t i = 0; i < kMaxSoapDepth + 2; ++i) deep += "</d>";
  CHECK_THROWS_WITH_AS(parse_soap_body(envelope(deep)), doctest::Contains("deeper than"),
                       SoapError);
  // An entity declared by the answer is not expanded (no billion laughs, no external files).
  const std::string entity =
      "<!DOCTYPE e [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
      "<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\">"
      "<soapenv:Body><R><v>&x;</v></R></soapenv:Body></soapenv:Envelope>";
  const auto body = parse_soap_body(entity);
  CHECK(body.text_of("v").find("root:") == std::string::npos);
}

TEST_CASE("a session logs in, reads every page through ContinueRetrievePropertiesEx, logs out") {
  RecordedServer server;
  server.answers = {
      {"RetrieveServiceContent", {kServiceContent}},
      {"Login",
       {"<LoginResponse xmlns=\"urn:vim25\"><returnval><key>k</key></returnval></LoginResponse>"}},
      {"CreateContainerView",
       {"<CreateContainerViewResponse xmlns=\"urn:vim25\"><returnval type=\"ContainerView\">"
        "session[1]view-7</returnval></CreateContainerViewResponse>"}},
      {"RetrievePropertiesEx",
       {"<RetrievePropertiesExResponse xmlns=\"urn:vim25\"><returnval><token>page-2</token>" +
        vm_object("vm-1", "web01") + vm_object("vm-2", "web02") +
        "</returnval></RetrievePropertiesExResponse>"}},
      {"ContinueRetrievePropertiesEx",
       {"<ContinueRetrievePropertiesExResponse xmlns=\"urn:vim25\"><returnval><token>page-3"
        "</token>" +
            vm_object("vm-3", "db01") + "</returnval></ContinueRetrievePropertiesExResponse>",
        "<ContinueRetrievePropertiesExResponse xmlns=\"urn:vim25\"><returnval>" +
            vm_object("vm-4", "db02") + "</returnval></ContinueRetrievePropertiesExResponse>"}},
      {"DestroyView", {"<DestroyViewResponse xmlns=\"urn:vim25\"></DestroyViewResponse>"}},
      {"Logout", {"<LogoutResponse xmlns=\"urn:vim25\"></LogoutResponse>"}}};
  VsphereSession session(server.transport(), 2);
  session.login("reader@vsphere.local", "p<&>w");
  CHECK(session.about() == "VMware vCenter Server 8.0.2 build-1");
  const auto objects = session.retrieve_all({{"VirtualMachine", {"name"}}});
  session.logout();
  REQUIRE(objects.size() == 4);
  CHECK(objects[0].id == "vm-1");
  CHECK(objects[2].text("name") == "db01");
  CHECK(objects[3].type == "VirtualMachine");
  // The password is escaped, the page size asked for, each token handed back once.
  REQUIRE(server.requests.size() == 8);
  CHECK(server.requests[1].find("<password>p&lt;&amp;&gt;w</password>") != std::string::npos);
  CHECK(server.requests[3].find("<maxObjects>2</maxObjects>") != std::string::npos);
  CHECK(server.requests[3].find("session[1]view-7") != std::string::npos);
  CHECK(server.requests[4].find("<token>page-2</token>") != std::string::npos);
  CHECK(server.requests[5].find("<token>page-3</token>") != std::string::npos);
  CHECK(server.requests[6].find("<DestroyView>") != std::string::npos);
  CHECK(server.requests[7].find("<Logout>") != std::string::npos);
}

TEST_CASE("refused credentials are a login error, other faults a protocol error") {
  RecordedServer server;
  server.answers = {
      {"RetrieveServiceContent", {kServiceContent}},
      {"Login",
       {"<soapenv:Fault><faultcode>ServerFaultCode</faultcode><faultstring>Login failure"
        "</faultstring><detail><InvalidLoginFault xmlns=\"urn:vim25\" xsi:type=\"InvalidLogin\"/>"
        "</detail></soapenv:Fault>"}}};
  VsphereSession session(server.transport());
  try {
    session.login("u", "wrong");
    FAIL("login accepted");
  } catch (const VsphereError& e) {
    CHECK(e.reason == "login");
    CHECK(std::string(e.what()).find("wrong") == std::string::npos);
  }
  RecordedServer garbage;
  garbage.answers = {{"RetrieveServiceContent", {"<html>proxy error</html>"}}};
  VsphereSession other(garbage.transport());
  CHECK_THROWS_WITH_AS(other.login("u", "p"), doctest::Contains("RetrieveServiceContent"),
                       VsphereError);
}

TEST_CASE("a recorded vcsim inventory reads as its objects and their properties") {
  const auto page = read_retrieve_page(
      parse_soap_body(sahab::testing::vcenter_fixture("retrieve-inventory-vcsim.xml")));
  CHECK(page.token.empty());
  std::map<std::string, int> types;
  for (const auto& o : page.objects) ++types[o.type];
  CHECK(types["VirtualMachine"] == 2);
  CHECK(types["HostSystem"] == 1);
  CHECK(types["Datacenter"] == 1);
  CHECK(types["ClusterComputeResource"] == 1);
  const auto vm = std::find_if(page.objects.begin(), page.objects.end(),
                               [](const ObjectContent& o) { return o.id == "vm-27"; });
  REQUIRE(vm != page.objects.end());
  CHECK(vm->text("config.uuid") == "cd0681bf-2f18-5c00-9b9b-8197c0095348");
  REQUIRE(vm->find("config.hardware.device"));
  CHECK(vm->find("config.hardware.device")->type == "ArrayOfVirtualDevice");
}

TEST_CASE("an unreachable server is an 'unreachable' error from the curl transport") {
  TransportOptions options;
  options.url = "http://127.0.0.1:1/sdk";  // nothing listens on port 1
  options.deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  const auto transport = curl_transport(options);
  try {
    transport("<x/>");
    FAIL("an answer from port 1");
  } catch (const VsphereError& e) {
    CHECK(e.reason == "unreachable");
  }
  options.deadline = std::chrono::steady_clock::now() - std::chrono::seconds(1);
  CHECK_THROWS_WITH_AS(curl_transport(options)("<x/>"), doctest::Contains("time is up"),
                       VsphereError);
}

TEST_CASE("a batch of objects is asked for by reference, one objectSet each, and its pages read") {
  RecordedServer server;
  server.answers = {
      {"RetrieveServiceContent", {kServiceContent}},
      {"Login", {"<LoginResponse xmlns=\"urn:vim25\"><returnval/></LoginResponse>"}},
      {"RetrievePropertiesEx",
       {"<RetrievePropertiesExResponse xmlns=\"urn:vim25\"><returnval><token>t</token>" +
        vm_object("vm-1", "a") + "</returnval></RetrievePropertiesExResponse>"}},
      {"ContinueRetrievePropertiesEx",
       {"<ContinueRetrievePropertiesExResponse xmlns=\"urn:vim25\"><returnval>" +
        vm_object("vm-2", "b") + "</returnval></ContinueRetrievePropertiesExResponse>"}},
      {"Logout", {"<LogoutResponse xmlns=\"urn:vim25\"/>"}}};
  VsphereSession session(server.transport());
  session.login("u", "p");
  const auto objects =
      session.retrieve_objects("VirtualMachine", {"vm-1", "vm-2"}, {"config.hardware.device"});
  REQUIRE(objects.size() == 2);
  CHECK(objects[1].text("name") == "b");
  const std::string& request = server.requests[2];
  CHECK(request.find("<pathSet>config.hardware.device</pathSet>") != std::string::npos);
  CHECK(request.find("<objectSet><obj type=\"VirtualMachine\">vm-1</obj><skip>false</skip>"
                     "</objectSet><objectSet><obj type=\"VirtualMachine\">vm-2</obj>") !=
        std::string::npos);
  CHECK(server.requests[3].find("<token>t</token>") != std::string::npos);
}
