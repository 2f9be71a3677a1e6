#include "clients/sigv4.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "base/time_format.h"
#include "crypto/hash.h"

namespace aw::clients {
namespace {

namespace fs = std::filesystem;

const fs::path kVectorsDir = fs::path(AW_TESTDATA_DIR) / "aws-sigv4";

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> CaseNames() {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(kVectorsDir, ec)) {
    if (entry.is_directory()) names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

// Parses the raw HTTP request text of a vector: request line, headers (with
// obs-fold continuation lines and repeats), blank line, body.
SigV4Request ParseRequest(const std::string& text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (true) {
    size_t nl = text.find('\n', start);
    std::string line = text.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(line);
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
  SigV4Request req;
  // "GET /path with spaces?query HTTP/1.1": the target is everything between the first and last space.
  const std::string& rl = lines.at(0);
  size_t sp1 = rl.find(' '), sp2 = rl.rfind(' ');
  req.method = rl.substr(0, sp1);
  std::string target = rl.substr(sp1 + 1, sp2 - sp1 - 1);
  size_t q = target.find('?');
  req.path = target.substr(0, q);
  if (q != std::string::npos) req.query = target.substr(q + 1);

  size_t i = 1;
  for (; i < lines.size() && !lines[i].empty(); ++i) {
    const std::string& line = lines[i];
    if ((line[0] == ' ' || line[0] == '\t') && !req.headers.empty()) {
      req.headers.back().second += " " + line;  // obs-fold becomes a space (RFC 7230 3.2.4)
      continue;
    }
    size_t colon = line.find(':');
    req.headers.emplace_back(line.substr(0, colon), line.substr(colon + 1));
  }
  for (size_t b = i + 1; b < lines.size(); ++b) {
    if (b > i + 1) req.body += "\n";
    req.body += lines[b];
  }
  return req;
}

std::string AuthorizationFromSignedRequest(const std::string& text) {
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("Authorization:", 0) == 0) return line.substr(std::string("Authorization:").size());
  }
  return "";
}

class SigV4VectorTest : public ::testing::TestWithParam<std::string> {};

TEST_P(SigV4VectorTest, MatchesOfficialResult) {
  const fs::path dir = kVectorsDir / GetParam();
  nlohmann::json ctx = nlohmann::json::parse(ReadFile(dir / "context.json"));
  SigV4Credentials creds{ctx["credentials"]["access_key_id"], ctx["credentials"]["secret_access_key"],
                         ctx["credentials"].value("token", "")};
  EXPECT_EQ(creds.access_key_id, "AKIDEXAMPLE");
  const std::string region = ctx["region"], service = ctx["service"];
  std::optional<int64_t> micros = ParseIso8601(ctx["timestamp"].get<std::string>());
  ASSERT_TRUE(micros.has_value());
  const int64_t now = *micros / 1'000'000;

  SigV4Request req = ParseRequest(ReadFile(dir / "request.txt"));
  // What a client adds before signing (SignV4 itself adds nothing).
  req.headers.emplace_back("X-Amz-Date", AmzDate(now));
  if (!creds.session_token.empty() && !ctx.value("omit_session_token", false)) {
    req.headers.emplace_back("X-Amz-Security-Token", creds.session_token);
  }
  if (ctx.value("sign_body", false)) {
    req.headers.emplace_back("x-amz-content-sha256", crypto::Sha256Hex(req.body));
  }
  SigV4Options options;
  options.normalize_path = ctx.value("normalize", true);
  options.double_encode_path = true;  // every vector uses a non-S3 service

  SigV4Result r = SignV4(req, creds, region, service, now, options);
  EXPECT_EQ(r.canonical_request, ReadFile(dir / "header-canonical-request.txt"));
  EXPECT_EQ(r.string_to_sign, ReadFile(dir / "header-string-to-sign.txt"));
  EXPECT_EQ(r.signature, ReadFile(dir / "header-signature.txt"));
  EXPECT_EQ(r.authorization, AuthorizationFromSignedRequest(ReadFile(dir / "header-signed-request.txt")));
}

INSTANTIATE_TEST_SUITE_P(AwsSigningTestSuite, SigV4VectorTest, ::testing::ValuesIn(CaseNames()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string name = info.param;
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

TEST(SigV4Test, AllVectorCasesArePresent) {
  // Guards against the parameterised suite silently running zero cases.
  std::vector<std::string> names = CaseNames();
  EXPECT_EQ(names.size(), 38u) << "vectors dir: " << kVectorsDir;
  EXPECT_TRUE(fs::exists(kVectorsDir / "LICENSE"));
  for (const auto& n : names) {
    for (const char* f : {"context.json", "request.txt", "header-canonical-request.txt",
                          "header-string-to-sign.txt", "header-signature.txt", "header-signed-request.txt"}) {
      EXPECT_TRUE(fs::exists(kVectorsDir / n / f)) << n << "/" << f;
    }
  }
}

const SigV4Credentials kCreds{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", ""};
constexpr int64_t kTime = 1440938160;  // 2015-08-30T12:36:00Z

std::string CanonicalUriOf(const SigV4Result& r) {
  size_t a = r.canonical_request.find('\n');
  return r.canonical_request.substr(a + 1, r.canonical_request.find('\n', a + 1) - a - 1);
}

std::string CanonicalQueryOf(const SigV4Result& r) {
  size_t a = r.canonical_request.find('\n');
  size_t b = r.canonical_request.find('\n', a + 1);
  return r.canonical_request.substr(b + 1, r.canonical_request.find('\n', b + 1) - b - 1);
}

SigV4Request Get(std::string path, std::string query = "") {
  return SigV4Request{"GET",
                      std::move(path),
                      std::move(query),
                      {{"Host", "example.amazonaws.com"}, {"X-Amz-Date", "20150830T123600Z"}},
                      ""};
}

TEST(SigV4Test, AmzDate) {
  EXPECT_EQ(AmzDate(kTime), "20150830T123600Z");
  EXPECT_EQ(AmzDate(0), "19700101T000000Z");
  EXPECT_EQ(AmzDate(1709251199), "20240229T235959Z");
}

TEST(SigV4Test, AwsDocumentationIamExample) {
  // The worked example of the AWS SigV4 documentation (IAM ListUsers).
  SigV4Request req{"GET",
                   "/",
                   "Action=ListUsers&Version=2010-05-08",
                   {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"},
                    {"Host", "iam.amazonaws.com"},
                    {"X-Amz-Date", "20150830T123600Z"}},
                   ""};
  SigV4Result r = SignV4(req, kCreds, "us-east-1", "iam", kTime);
  EXPECT_EQ(crypto::Sha256Hex(r.canonical_request),
            "f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59");
  EXPECT_EQ(r.signature, "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7");
}

TEST(SigV4Test, PathIsDoubleEncodedForServicesButNotS3) {
  EXPECT_EQ(CanonicalUriOf(SignV4(Get("/a%20b/c"), kCreds, "us-east-1", "dynamodb", kTime)), "/a%2520b/c");
  EXPECT_EQ(CanonicalUriOf(SignV4(Get("/a%20b/c"), kCreds, "us-east-1", "s3", kTime)), "/a%20b/c");
  EXPECT_EQ(CanonicalUriOf(SignV4(Get("/a b"), kCreds, "us-east-1", "s3", kTime)), "/a%20b");
  // S3 keys may legitimately contain "." and "//": not normalised.
  EXPECT_EQ(CanonicalUriOf(SignV4(Get("/bucket//./key"), kCreds, "us-east-1", "s3", kTime)),
            "/bucket//./key");
  EXPECT_EQ(CanonicalUriOf(SignV4(Get("/bucket//./key"), kCreds, "us-east-1", "sqs", kTime)), "/bucket/key");
  EXPECT_EQ(CanonicalUriOf(SignV4(Get(""), kCreds, "us-east-1", "dynamodb", kTime)), "/");
  EXPECT_EQ(CanonicalUriOf(SignV4(Get("/a/b/.."), kCreds, "us-east-1", "sqs", kTime)), "/a/");
  EXPECT_EQ(CanonicalUriOf(SignV4(Get("/../../x"), kCreds, "us-east-1", "sqs", kTime)), "/x");
}

TEST(SigV4Test, QueryCanonicalisation) {
  auto q = [](std::string query) {
    return CanonicalQueryOf(SignV4(Get("/", query), kCreds, "r", "s", kTime));
  };
  EXPECT_EQ(q("b=2&a=1&a=0"), "a=0&a=1&b=2");  // sorted by name, then value
  EXPECT_EQ(q("flag&x="), "flag=&x=");         // missing '=' -> empty value
  EXPECT_EQ(q("k=a b"), "k=a%20b");            // raw space
  EXPECT_EQ(q("k=a%20b"), "k=a%20b");          // already encoded: not double-encoded
  EXPECT_EQ(q("k=a%2fb"), "k=a%2Fb");          // escapes normalised to upper case
  EXPECT_EQ(q("k=a+b"), "k=a%2Bb");            // '+' is a literal plus
  EXPECT_EQ(q("k=%zz"), "k=%25zz");            // a stray '%' is data
  EXPECT_EQ(q("&&a=1&"), "a=1");               // empty components dropped
  EXPECT_EQ(q("k=x=y"), "k=x%3Dy");
  EXPECT_EQ(q(""), "");
}

TEST(SigV4Test, HeaderCanonicalisation) {
  SigV4Request req = Get("/");
  req.headers.push_back({"X-Custom", "  a \t  b  "});
  req.headers.push_back({"x-custom", "c"});
  req.headers.push_back({"Authorization", "AWS4-HMAC-SHA256 old"});  // never signed
  req.headers.push_back({"Empty", ""});
  SigV4Result r = SignV4(req, kCreds, "us-east-1", "service", kTime);
  EXPECT_NE(r.canonical_request.find("\nempty:\n"), std::string::npos) << r.canonical_request;
  EXPECT_NE(r.canonical_request.find("\nx-custom:a b,c\n"), std::string::npos) << r.canonical_request;
  EXPECT_EQ(r.canonical_request.find("authorization"), std::string::npos);
  EXPECT_NE(r.authorization.find("SignedHeaders=empty;host;x-amz-date;x-custom,"), std::string::npos)
      << r.authorization;
}

TEST(SigV4Test, PayloadHashFromContentSha256Header) {
  SigV4Request req = Get("/");
  req.body = "ignored";
  req.headers.push_back({"X-Amz-Content-Sha256", "UNSIGNED-PAYLOAD"});
  SigV4Result r = SignV4(req, kCreds, "us-east-1", "s3", kTime);
  EXPECT_TRUE(r.canonical_request.ends_with("\nUNSIGNED-PAYLOAD")) << r.canonical_request;
  SigV4Request plain = Get("/");
  plain.body = R"({"TableName":"x"})";
  EXPECT_TRUE(SignV4(plain, kCreds, "us-east-1", "dynamodb", kTime)
                  .canonical_request.ends_with("\n" + crypto::Sha256Hex(plain.body)));
}

TEST(SigV4Test, SignatureDependsOnEveryInput) {
  SigV4Request req = Get("/");
  const std::string base = SignV4(req, kCreds, "us-east-1", "dynamodb", kTime).signature;
  EXPECT_NE(SignV4(req, kCreds, "eu-west-1", "dynamodb", kTime).signature, base);
  EXPECT_NE(SignV4(req, kCreds, "us-east-1", "sqs", kTime).signature, base);
  EXPECT_NE(SignV4(req, kCreds, "us-east-1", "dynamodb", kTime + 86400).signature, base);
  SigV4Credentials other = kCreds;
  other.secret_access_key += "x";
  EXPECT_NE(SignV4(req, other, "us-east-1", "dynamodb", kTime).signature, base);
  req.body = "x";
  EXPECT_NE(SignV4(req, kCreds, "us-east-1", "dynamodb", kTime).signature, base);
}

}  // namespace
}  // namespace aw::clients
