// Name, label and key validators, checked against the tables of
// k8s.io/apimachinery/pkg/util/validation/validation_test.go and the messages
// of validation.go (without their "(e.g. ..., regex used ...)" tails).
#include "compiler/k8s/names.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace rig::k8s {
namespace {

using Validator = std::vector<std::string> (*)(llvm::StringRef);

void expectValid(Validator v, const std::vector<std::string> &values) {
  for (const std::string &s : values) {
    std::vector<std::string> errs = v(s);
    EXPECT_TRUE(errs.empty()) << "'" << s << "': " << (errs.empty() ? "" : errs.front());
  }
}

void expectInvalid(Validator v, const std::vector<std::string> &values) {
  for (const std::string &s : values) EXPECT_FALSE(v(s).empty()) << "'" << s << "'";
}

const std::string kLabelRegexMsg =
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end "
    "with an alphanumeric character";
const std::string kSubdomainRegexMsg =
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start "
    "and end with an alphanumeric character";
const std::string kQualifiedRegexMsg =
    "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric "
    "character";

TEST(NamesTest, Dns1123Label) {
  expectValid(validateDns1123Label, {"a", "ab", "abc", "a1", "a-1", "a--1--2--b", "0", "01", "012", "1a", "1-a",
                                     "1--a--b--2", std::string(63, 'a')});
  expectInvalid(validateDns1123Label,
                {"",   "A",  "ABC", "aBc", "A1", "A-1", "1-A", "-",  "a-",  "-a",  "1-",  "-1",  "_",
                 "a_", "_a", "a_b", "1_",  "_1", "1_2", ".",   "a.", ".a",  "a.b", "1.",  ".1",  "1.2",
                 " ",  "a ", " a",  "a b", "1 ", " 1",  "1 2", std::string(64, 'a')});
}

TEST(NamesTest, Dns1123LabelMessages) {
  EXPECT_EQ(validateDns1123Label("My_App"), std::vector<std::string>{kLabelRegexMsg});
  EXPECT_EQ(validateDns1123Label(""), std::vector<std::string>{kLabelRegexMsg});
  EXPECT_EQ(validateDns1123Label("a.b"), std::vector<std::string>{"must not contain dots"});
  EXPECT_EQ(validateDns1123Label(std::string(64, 'a')), std::vector<std::string>{"must be no more than 63 characters"});
  // Too long and dotted: both, length first.
  std::vector<std::string> both = validateDns1123Label(std::string(40, 'a') + "." + std::string(40, 'b'));
  EXPECT_EQ(both, (std::vector<std::string>{"must be no more than 63 characters", "must not contain dots"}));
  std::vector<std::string> longBad = validateDns1123Label(std::string(64, 'A'));
  EXPECT_EQ(longBad, (std::vector<std::string>{"must be no more than 63 characters", kLabelRegexMsg}));
}

TEST(NamesTest, Dns1123Subdomain) {
  expectValid(validateDns1123Subdomain,
              {"a",      "ab",    "abc",    "a1",          "a-1",         "a--1--2--b",  "0",           "01",
               "012",    "1a",    "1-a",    "1--a--b--2",  "a.a",         "ab.a",        "abc.a",       "a1.a",
               "a-1.a",  "a--1--2--b.a",    "a.1",         "ab.1",        "abc.1",       "a1.1",        "a-1.1",
               "a--1--2--b.1",    "0.a",    "01.a",        "012.a",       "1a.a",        "1-a.a",       "0.1",
               "01.1",   "012.1", "1a.1",   "1-a.1",       "1--a--b--2.1", "a.b.c.d.e",  "aa.bb.cc.dd.ee",
               "1.2.3.4.5",       "11.22.33.44.55",        std::string(253, 'a'),
               // No per-label limit inside a subdomain.
               std::string(64, 'a') + ".b"});
  expectInvalid(validateDns1123Subdomain,
                {"",    "A",     "ABC",   "aBc",  "A1",    "A-1",   "1-A",   "-",     "a-",    "-a",
                 "1-",  "-1",    "_",     "a_",   "_a",    "a_b",   "1_",    "_1",    "1_2",   ".",
                 "a.",  ".a",    "a..b",  "1.",   ".1",    "1..2",  " ",     "a ",    " a",    "a b",
                 "1 ",  " 1",    "1 2",   "A.a",  "aB.a",  "ab.A",  "A1.a",  "a1.A",  "A.1",   "aB.1",
                 "A1.1", "1A.1", "0.A",   "01.A", "012.A", "1A.a",  "1a.A",  "A.B.C.D.E", "AA.BB.CC.DD.EE",
                 "a.B.c.d.e", "aa.bB.cc.dd.ee", "a@b", "a,b", "a_b", "a;b", "a:b", "a%b", "a?b", "a$b",
                 std::string(254, 'a')});
  EXPECT_EQ(validateDns1123Subdomain("My.Service"), std::vector<std::string>{kSubdomainRegexMsg});
  EXPECT_EQ(validateDns1123Subdomain(std::string(254, 'a')),
            std::vector<std::string>{"must be no more than 253 characters"});
}

TEST(NamesTest, PortName) {
  expectValid(validatePortName, {"telnet", "re-mail-ck", "pop3", "a", "a-1", "1-a", "a-1-b-2-c", "1-a-2-b-3",
                                 std::string(15, 'a')});
  expectInvalid(validatePortName, {"longerthan15characters", "", std::string(16, 'a'), "12345", "1-2-3-4", "-begin",
                                   "end-", "two--hyphens", "whois++", "HTTP", "http_alt"});
  EXPECT_EQ(validatePortName("-Web--"),
            (std::vector<std::string>{"must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)",
                                      "must not contain consecutive hyphens", "must not begin or end with a hyphen"}));
  EXPECT_EQ(validatePortName("8080"), std::vector<std::string>{"must contain at least one letter (a-z)"});
  EXPECT_EQ(validatePortName("metrics-endpoint"), std::vector<std::string>{"must be no more than 15 characters"});
  EXPECT_EQ(validatePortName(""),
            (std::vector<std::string>{"must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)",
                                      "must contain at least one letter (a-z)"}));
}

TEST(NamesTest, QualifiedName) {
  expectValid(validateQualifiedName,
              {"simple", "now-with-dashes", "1-starts-with-num", "1234", "simple/simple", "now-with-dashes/simple",
               "now-with-dashes/now-with-dashes", "now.with.dots/simple", "now-with.dashes-and.dots/simple",
               "1-num.2-num/3-num", "1234/5678", "1.2.3.4/5678", "Uppercase_Is_OK_123",
               "example.com/Uppercase_Is_OK_123", "requests.storage-foo", std::string(63, 'a'),
               std::string(253, 'a') + "/" + std::string(63, 'b'), "app.kubernetes.io/name"});
  expectInvalid(validateQualifiedName,
                {"nospecialchars%^=@", "cantendwithadash-", "-cantstartwithadash-", "only/one/slash", "Example.com/abc",
                 "example_com/abc", "example.com/", "/simple", std::string(64, 'a'), std::string(254, 'a') + "/abc",
                 ""});
}

TEST(NamesTest, QualifiedNameMessages) {
  EXPECT_EQ(validateQualifiedName("/simple"), std::vector<std::string>{"prefix part must be non-empty"});
  EXPECT_EQ(validateQualifiedName("example.com/"),
            (std::vector<std::string>{"name part must be non-empty", "name part " + kQualifiedRegexMsg}));
  EXPECT_EQ(validateQualifiedName("Example.com/abc"), std::vector<std::string>{"prefix part " + kSubdomainRegexMsg});
  EXPECT_EQ(validateQualifiedName(std::string(64, 'a')),
            std::vector<std::string>{"name part must be no more than 63 characters"});
  EXPECT_EQ(validateQualifiedName("a/b/c"),
            std::vector<std::string>{"a qualified name " + kQualifiedRegexMsg +
                                     " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"});
}

TEST(NamesTest, AnnotationKeysIgnoreCase) {
  // ValidateAnnotations lower-cases the key first.
  EXPECT_TRUE(validateAnnotationKey("Example.com/abc").empty());
  EXPECT_FALSE(validateQualifiedName("Example.com/abc").empty());
  EXPECT_TRUE(validateAnnotationKey("kubectl.kubernetes.io/last-applied-configuration").empty());
  EXPECT_FALSE(validateAnnotationKey("a/b/c").empty());
  EXPECT_FALSE(validateAnnotationKey("example_com/abc").empty());
  EXPECT_EQ(kMaxAnnotationsTotalBytes, size_t(262144));
}

TEST(NamesTest, LabelValue) {
  expectValid(validateLabelValue,
              {"simple", "now-with-dashes", "1-starts-with-num", "end-with-num-1", "1234", std::string(63, 'a'), "",
               "MyValue", "my_value", "v1.2.3"});
  expectInvalid(validateLabelValue, {"nospecialchars%^=@", "Tama-nui-te-r\xC4\x81.is.M\xC4\x81ori.sun",
                                     "\\backslashes\\are\\bad", "-starts-with-dash", "ends-with-dash-",
                                     ".starts.with.dot", "ends.with.dot.", std::string(64, 'a'), "with space"});
  EXPECT_EQ(validateLabelValue("-x"),
            std::vector<std::string>{
                "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and "
                "must start and end with an alphanumeric character"});
  EXPECT_EQ(validateLabelValue(std::string(64, 'a')), std::vector<std::string>{"must be no more than 63 characters"});
}

const std::string kStrictEnvMsg =
    "a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must "
    "not start with a digit";
const std::string kRelaxedEnvMsg =
    "a valid environment variable name must consist only of printable ASCII characters other than '='";

TEST(NamesTest, EnvVarNameStrictBefore132) {
  for (int minor : {25, 29, 30, 31}) {
    SCOPED_TRACE(minor);
    EXPECT_FALSE(relaxedEnvVarNamesByDefault(minor));
    for (const char *ok : {"abc", "ABC", "AbC_123", "a.b.c", "a-b-c", "_a", "-a", ".a", "my.env-name", "MY_ENV.NAME",
                           "MyEnvName1", "a.", "a.."})
      EXPECT_TRUE(validateEnvVarName(ok, minor).empty()) << ok;
    EXPECT_EQ(validateEnvVarName("1abc", minor), std::vector<std::string>{kStrictEnvMsg});
    EXPECT_EQ(validateEnvVarName("a b", minor), std::vector<std::string>{kStrictEnvMsg});
    EXPECT_EQ(validateEnvVarName("a=b", minor), std::vector<std::string>{kStrictEnvMsg});
    EXPECT_EQ(validateEnvVarName("a:b", minor), std::vector<std::string>{kStrictEnvMsg});
    EXPECT_EQ(validateEnvVarName(".", minor), std::vector<std::string>{"must not be '.'"});
    EXPECT_EQ(validateEnvVarName("..", minor), std::vector<std::string>{"must not be '..'"});
    EXPECT_EQ(validateEnvVarName("..a", minor), std::vector<std::string>{"must not start with '..'"});
    EXPECT_EQ(validateEnvVarName("....", minor), std::vector<std::string>{"must not start with '..'"});
    EXPECT_EQ(validateEnvVarName("..a b", minor),
              (std::vector<std::string>{kStrictEnvMsg, "must not start with '..'"}));
    EXPECT_EQ(validateEnvVarName("", minor), std::vector<std::string>{"environment variable name must be non-empty"});
  }
}

TEST(NamesTest, EnvVarNameRelaxedFrom132) {
  for (int minor : {32, 33, 34, 35, 40}) {
    SCOPED_TRACE(minor);
    EXPECT_TRUE(relaxedEnvVarNamesByDefault(minor));
    // validation_test.go TestIsRelaxedEnvVarName.
    for (const char *ok : {"-",   ":",   "_",   "+a",  ">a",  "<a",  "a.",  "a..", "*a",  "%a",  "?a",
                           "a:a", "a_a", "aAz", "~a",  "|a",  "a0a", "a9",  "/a",  "a ",  "#a",  "0a",
                           "0 a", "'a",  "(a",  "@a",  "1abc", ".",  "..",  "..a", " "})
      EXPECT_TRUE(validateEnvVarName(ok, minor).empty()) << ok;
    for (const std::string &bad : {std::string("="), std::string("a="), std::string("1=a"), std::string("a=b"),
                                  std::string("#%=&&"), std::string("\x01" "abc"), std::string("\xC2\x82" "abc"),
                                  std::string("\xC3\x87 \xC3\xA7"), std::string("\xC3\x84 \xC3\xA4"),
                                  std::string("\xC3\x91 \xC3\xB1"), std::string("\xC3\x98 \xC3\xB8"),
                                  std::string("a\tb"), std::string("a\x7f")})
      EXPECT_EQ(validateEnvVarName(bad, minor), std::vector<std::string>{kRelaxedEnvMsg}) << bad;
    EXPECT_EQ(validateEnvVarName("", minor), std::vector<std::string>{"environment variable name must be non-empty"});
  }
}

TEST(NamesTest, ConfigMapKey) {
  expectValid(validateConfigMapKey, {"a", "good", "good-good", "still.good", "this.is.also.good", ".so.is.this",
                                     "THIS_IS_GOOD", "so_is_this_17", "config.yaml", std::string(253, 'a')});
  expectInvalid(validateConfigMapKey, {".", "..", "..bad", "b*d", "bad!&bad", "", "a/b", "a b", std::string(254, 'a')});
  EXPECT_EQ(validateConfigMapKey("a/b"),
            std::vector<std::string>{"a valid config key must consist of alphanumeric characters, '-', '_' or '.'"});
  EXPECT_EQ(validateConfigMapKey(".."), std::vector<std::string>{"must not be '..'"});
  EXPECT_EQ(validateConfigMapKey("..data"), std::vector<std::string>{"must not start with '..'"});
  EXPECT_EQ(validateConfigMapKey(std::string(254, 'a')), std::vector<std::string>{"must be no more than 253 characters"});
}

TEST(NamesTest, Capabilities) {
  for (const char *cap : {"NET_BIND_SERVICE", "ALL", "CHOWN", "SYS_ADMIN", "NET_ADMIN", "NET_RAW", "SYS_PTRACE",
                          "BPF", "PERFMON", "CHECKPOINT_RESTORE", "AUDIT_READ", "SYS_TTY_CONFIG", "MKNOD"})
    EXPECT_TRUE(isKnownCapability(cap)) << cap;
  for (const char *cap : {"CAP_NET_BIND_SERVICE", "net_bind_service", "all", "All", "", "NET_BIND", "SYS_ADMIN ",
                          "CAP_ALL", "NET_BIND_SERVICES"})
    EXPECT_FALSE(isKnownCapability(cap)) << cap;
  llvm::ArrayRef<llvm::StringRef> caps = knownCapabilities();
  EXPECT_EQ(caps.size(), size_t(42)); // CAP_CHOWN (0) .. CAP_CHECKPOINT_RESTORE (40), and ALL
  EXPECT_EQ(caps.front(), "CHOWN");
  EXPECT_EQ(caps[10], "NET_BIND_SERVICE"); // bit 10
  EXPECT_EQ(caps[21], "SYS_ADMIN");        // bit 21
  EXPECT_EQ(caps[40], "CHECKPOINT_RESTORE");
  EXPECT_EQ(caps.back(), "ALL");
  for (llvm::StringRef cap : caps) {
    EXPECT_FALSE(cap.startswith("CAP_")) << cap.str();
    EXPECT_EQ(cap.upper(), cap.str());
    EXPECT_TRUE(isKnownCapability(cap));
  }
}

TEST(NamesTest, SuggestDns1123) {
  EXPECT_EQ(suggestDns1123("My_App"), "my-app");
  EXPECT_EQ(suggestDns1123("web server"), "web-server");
  EXPECT_EQ(suggestDns1123("api.v2"), "api-v2");
  EXPECT_EQ(suggestDns1123("_leading_and_trailing_"), "leading-and-trailing");
  EXPECT_EQ(suggestDns1123("caf\xC3\xA9!"), "caf");
  EXPECT_EQ(suggestDns1123("--x--"), "x");
  EXPECT_EQ(suggestDns1123("___"), "");
  EXPECT_EQ(suggestDns1123(""), "");
  EXPECT_EQ(suggestDns1123("already-fine-1"), "already-fine-1");
  std::string longName = suggestDns1123(std::string(62, 'a') + "_b");
  EXPECT_EQ(longName, std::string(62, 'a')); // cut at 63 ("...a-"), then the '-' trimmed
  EXPECT_EQ(suggestDns1123(std::string(100, 'Z')), std::string(63, 'z'));
  for (const char *in : {"My_App", "web server", "X.Y_Z", "__a__", "Hello, World!", "0-9"}) {
    std::string out = suggestDns1123(in);
    if (!out.empty()) {
      EXPECT_TRUE(validateDns1123Label(out).empty()) << in << " -> " << out;
    }
  }
}

TEST(NamesTest, IdentifierToK8sName) {
  EXPECT_EQ(identifierToK8sName("my_app"), "my-app");
  EXPECT_EQ(identifierToK8sName("web"), "web");
  EXPECT_EQ(identifierToK8sName("__x"), "--x");
  // Nothing else changes, so invalid names stay invalid for the checker.
  EXPECT_EQ(identifierToK8sName("MyApp"), "MyApp");
  EXPECT_EQ(identifierToK8sName(""), "");
}

TEST(NamesTest, HostPathType) {
  for (const char *t : {"", "DirectoryOrCreate", "Directory", "FileOrCreate", "File", "Socket", "CharDevice",
                        "BlockDevice"})
    EXPECT_TRUE(validateHostPathType(t)) << t;
  for (const char *t : {"directory", "CharDev", "BlockDev", "Unset", "FileOrDirectory", " File"})
    EXPECT_FALSE(validateHostPathType(t)) << t;
  EXPECT_EQ(hostPathTypes().size(), size_t(8));
}

// Image references as the kubelet parses them (distribution/reference).
TEST(NamesTest, ImageReferences) {
  std::string digest = "@sha256:" + std::string(64, 'a');
  for (const std::string &ok : std::vector<std::string>{"nginx", "nginx:1.27", "library/nginx:latest", "nvcr.io/nvidia/pytorch:24.09-py3",
                         "localhost:5000/app:1", "registry.example.com:443/team/app_one.two__three--four:v1.0_rc-1",
                         "MyRegistry.example.com/app:1", "[::1]:5000/app", "amazon/aws-cli:2.15", "app" + digest,
                         "nginx:1.27" + digest, "ghcr.io/owner/repo:" + std::string(128, 'x'), "x/y/z/w:_tag"})
    EXPECT_EQ(imageReferenceError(ok), "") << ok;
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"MyApp:v1", "repository name must be lowercase"},
      {"myorg/MyApp", "repository name must be lowercase"},
      {"nginx:", "invalid reference format: a tag"},
      {"nginx:-1", "invalid reference format: a tag"},
      {"nginx:" + std::string(129, 'x'), "invalid reference format: a tag"},
      {"nginx:1.25-\xC3\xBC", "invalid reference format: a tag"},
      {"app@sha256:abc", "invalid reference format: the digest"},
      {"app@md5", "invalid reference format: the digest"},
      {"-app", "invalid reference format: path components"},
      {"app-", "invalid reference format: path components"},
      {"a..b", "invalid reference format: path components"},
      {"a___b", "invalid reference format: path components"},
      {"team//app", "invalid reference format: path components"},
      {"host:port/app", "invalid reference format: path components"},
      {":1.0", "invalid reference format: no repository name"},
      {std::string(256, 'a'), "repository name must not be more than 255 characters"},
      {std::string(64, 'f'), "cannot specify 64-byte hexadecimal strings"},
  };
  for (const auto &[ref, why] : bad) EXPECT_EQ(imageReferenceError(ref).rfind(why, 0), 0u) << ref << ": " << imageReferenceError(ref);
}

} // namespace
} // namespace rig::k8s
