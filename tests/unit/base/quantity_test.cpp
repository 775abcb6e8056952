// Quantity parsing and canonical form, checked against the expectations of
// k8s.io/apimachinery/pkg/api/resource/quantity_test.go (TestQuantityParse,
// TestQuantityString, TestQuantityParseEmit, TestParseQuantity). Where
// Kubernetes keeps sub-milli precision the expected string is the one the API
// server stores for a ResourceList, i.e. after SetDefaults_ResourceList's
// RoundUp(-3); those cases expect roundedUp.
#include "compiler/base/quantity.h"

#include <cstdint>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace rig {
namespace {

using QF = QuantityFormat;

struct Case {
  const char *input;
  const char *canonical;
  QF format;
  bool roundedUp = false;
};

std::string describe(const QuantityParseResult &r) {
  if (!r.value) return "error: " + r.error;
  return r.value->canonical();
}

void expectParses(const Case &c) {
  SCOPED_TRACE(c.input);
  QuantityParseResult r = parseQuantity(c.input);
  ASSERT_TRUE(r.value.has_value()) << r.error;
  EXPECT_TRUE(r.error.empty());
  EXPECT_EQ(r.value->canonical(), c.canonical);
  EXPECT_EQ(int(r.value->format), int(c.format));
  EXPECT_EQ(r.roundedUp, c.roundedUp);

  // The same text with an explicit sign: '+' changes nothing, '-' negates.
  std::string plus = std::string("+") + c.input;
  QuantityParseResult p = parseQuantity(plus);
  ASSERT_TRUE(p.value.has_value()) << plus;
  EXPECT_EQ(p.value->milli, r.value->milli) << plus;
  std::string minus = std::string("-") + c.input;
  QuantityParseResult m = parseQuantity(minus);
  ASSERT_TRUE(m.value.has_value()) << minus;
  EXPECT_EQ(m.value->milli, -r.value->milli) << minus;
  std::string expectNeg = r.value->isZero() ? "0" : std::string("-") + c.canonical;
  EXPECT_EQ(m.value->canonical(), expectNeg) << minus;

  // The canonical form is a fixed point.
  QuantityParseResult again = parseQuantity(c.canonical);
  ASSERT_TRUE(again.value.has_value()) << c.canonical;
  EXPECT_EQ(again.value->milli, r.value->milli) << c.canonical;
  EXPECT_EQ(again.value->canonical(), c.canonical);
  EXPECT_FALSE(again.roundedUp);
}

// TestQuantityParse's table, one row each.
TEST(QuantityTest, KubernetesParseTable) {
  const std::vector<Case> cases = {
      {"0", "0", QF::DecimalSI},
      {"0n", "0", QF::DecimalSI},
      {"0u", "0", QF::DecimalSI},
      {"0m", "0", QF::DecimalSI},
      {"0Ki", "0", QF::BinarySI},
      {"0k", "0", QF::DecimalSI},
      {"0Mi", "0", QF::BinarySI},
      {"0M", "0", QF::DecimalSI},
      {"0Gi", "0", QF::BinarySI},
      {"0G", "0", QF::DecimalSI},
      {"0Ti", "0", QF::BinarySI},
      {"0T", "0", QF::DecimalSI},

      // Quantity-less numbers are allowed.
      {"1", "1", QF::DecimalSI},

      // Binary suffixes.
      {"1Ki", "1Ki", QF::BinarySI},
      {"8Ki", "8Ki", QF::BinarySI},
      {"7Mi", "7Mi", QF::BinarySI},
      {"6Gi", "6Gi", QF::BinarySI},
      {"5Ti", "5Ti", QF::BinarySI},
      {"4Pi", "4Pi", QF::BinarySI},
      {"3Ei", "3Ei", QF::BinarySI},
      {"10Ti", "10Ti", QF::BinarySI},
      {"100Ti", "100Ti", QF::BinarySI},

      // Decimal suffixes.
      {"5n", "1m", QF::DecimalSI, true},
      {"4u", "1m", QF::DecimalSI, true},
      {"3m", "3m", QF::DecimalSI},
      {"9", "9", QF::DecimalSI},
      {"8k", "8k", QF::DecimalSI},
      {"50k", "50k", QF::DecimalSI},
      {"7M", "7M", QF::DecimalSI},
      {"6G", "6G", QF::DecimalSI},
      {"5T", "5T", QF::DecimalSI},
      {"40T", "40T", QF::DecimalSI},
      {"300T", "300T", QF::DecimalSI},
      {"2P", "2P", QF::DecimalSI},
      {"1E", "1E", QF::DecimalSI},

      // Decimal exponents.
      {"1E-3", "1e-3", QF::DecimalExponent},
      {"1e3", "1e3", QF::DecimalExponent},
      {"1E6", "1e6", QF::DecimalExponent},
      {"1e9", "1e9", QF::DecimalExponent},
      {"1E12", "1e12", QF::DecimalExponent},
      {"1e15", "1e15", QF::DecimalExponent},
      {"1E18", "1e18", QF::DecimalExponent},

      // Nonstandard but still parsable.
      {"1e14", "100e12", QF::DecimalExponent},
      {"1e13", "10e12", QF::DecimalExponent},
      {"100.035k", "100035", QF::DecimalSI},

      // Things that look like floating point.
      {"0.001", "1m", QF::DecimalSI},
      {"0.0005k", "500m", QF::DecimalSI},
      {"0.005", "5m", QF::DecimalSI},
      {"0.05", "50m", QF::DecimalSI},
      {"0.5", "500m", QF::DecimalSI},
      {"0.00050k", "500m", QF::DecimalSI},
      {"0.00500", "5m", QF::DecimalSI},
      {"0.05000", "50m", QF::DecimalSI},
      {"0.50000", "500m", QF::DecimalSI},
      {"0.5e0", "500e-3", QF::DecimalExponent},
      {"0.5e-1", "50e-3", QF::DecimalExponent},
      {"0.5e-2", "5e-3", QF::DecimalExponent},
      {"10.035M", "10035k", QF::DecimalSI},

      {"1.2e3", "1200", QF::DecimalExponent},
      {"1.3E+6", "1300e3", QF::DecimalExponent},
      {"1.40e9", "1400e6", QF::DecimalExponent},
      {"1.53E12", "1530e9", QF::DecimalExponent},
      {"1.6e15", "1600e12", QF::DecimalExponent},
      {"1.7E18", "1700e15", QF::DecimalExponent},

      {"9.01", "9010m", QF::DecimalSI},
      {"8.1k", "8100", QF::DecimalSI},
      {"7.123456M", "7123456", QF::DecimalSI},
      {"6.987654321G", "6987654321", QF::DecimalSI},
      {"5.444T", "5444G", QF::DecimalSI},
      {"40.1T", "40100G", QF::DecimalSI},
      {"300.2T", "300200G", QF::DecimalSI},
      {"2.5P", "2500T", QF::DecimalSI},
      {"1.01E", "1010P", QF::DecimalSI},

      // Things that saturate or round (Kubernetes keeps nano precision at
      // parse time, then rounds ResourceList values up to milli).
      {"3.001n", "1m", QF::DecimalSI, true},
      {"1.1E-9", "1e-3", QF::DecimalExponent, true},
      {"0.0000000001", "1m", QF::DecimalSI, true},
      {"0.0000000005", "1m", QF::DecimalSI, true},
      {"0.00000000050", "1m", QF::DecimalSI, true},
      {"0.5e-9", "1e-3", QF::DecimalExponent, true},
      {"0.9n", "1m", QF::DecimalSI, true},
      {"0.00000012345", "1m", QF::DecimalSI, true},
      {"0.00000012354", "1m", QF::DecimalSI, true},
      {"12E", "12E", QF::DecimalSI},

      // Fractional binary values.
      {"100.035Ki", "102435840m", QF::BinarySI},
      {"0.5Mi", "512Ki", QF::BinarySI},
      {"0.05Gi", "53687091200m", QF::BinarySI},
      {"0.025Ti", "27487790694400m", QF::BinarySI},

      // Things written by trolls: a sub-unit binary value becomes DecimalSI.
      {"0.000000000001Ki", "1m", QF::DecimalSI, true},
      {".001", "1m", QF::DecimalSI},
      {".0001k", "100m", QF::DecimalSI},
      {"1.", "1", QF::DecimalSI},
      {"1.G", "1G", QF::DecimalSI},
  };
  for (const Case &c : cases) expectParses(c);
}

// TestQuantityParseEmit.
TEST(QuantityTest, KubernetesParseEmit) {
  const std::vector<Case> cases = {
      {"1Ki", "1Ki", QF::BinarySI},
      {"1Mi", "1Mi", QF::BinarySI},
      {"1Gi", "1Gi", QF::BinarySI},
      {"1024Mi", "1Gi", QF::BinarySI},
      {"1000M", "1G", QF::DecimalSI},
      {".001Ki", "1024m", QF::BinarySI},
      // Kubernetes: "1024u", "1024n", "2n"; rounded to milli by defaulting.
      {".000001Ki", "2m", QF::DecimalSI, true},
      {".000000001Ki", "1m", QF::DecimalSI, true},
      {".000000000001Ki", "1m", QF::DecimalSI, true},
  };
  for (const Case &c : cases) expectParses(c);
}

// TestQuantityString: canonical forms of values built directly, then the
// "alternate" spellings that must canonicalise to the same string.
TEST(QuantityTest, KubernetesStringTable) {
  struct Row {
    __int128 milli;
    QF format;
    const char *expect;
    const char *alternate;
  };
  const __int128 Ki = 1024, k = 1000;
  const std::vector<Row> rows = {
      {Ki * Ki * Ki * k, QF::BinarySI, "1Gi", "1024Mi"},
      {300 * Ki * Ki * k, QF::BinarySI, "300Mi", "307200Ki"},
      {6 * Ki * k, QF::BinarySI, "6Ki", ""},
      {1001 * Ki * Ki * Ki * k, QF::BinarySI, "1001Gi", "1025024Mi"},
      {Ki * Ki * Ki * Ki * k, QF::BinarySI, "1Ti", "1024Gi"},
      {5 * k, QF::BinarySI, "5", "5000m"},
      {500, QF::BinarySI, "500m", "0.5"},
      {1000000000 * k, QF::DecimalSI, "1G", "1000M"},
      {1000000000 * k, QF::DecimalSI, "1G", "0.001T"},
      {1, QF::DecimalSI, "1m", "1000u"},
      {80, QF::DecimalSI, "80m", ""},
      {1080, QF::DecimalSI, "1080m", "1.08"},
      {1080, QF::DecimalSI, "1080m", "1080000000n"},
      {300000000 * k, QF::DecimalSI, "300M", ""},
      {__int128(1000000000000) * k, QF::DecimalSI, "1T", ""},
      {__int128(1234567000000) * k, QF::DecimalSI, "1234567M", ""},
      {1234567, QF::BinarySI, "1234567m", ""},
      {3000 * k, QF::DecimalSI, "3k", ""},
      {1025 * k, QF::BinarySI, "1025", ""},
      {0, QF::DecimalSI, "0", ""},
      {0, QF::BinarySI, "0", ""},
      {1000000000 * k, QF::DecimalExponent, "1e9", ".001e12"},
      {1, QF::DecimalExponent, "1e-3", "0.001e0"},
      {80, QF::DecimalExponent, "80e-3", ""},
      {300000000 * k, QF::DecimalExponent, "300e6", ""},
      {__int128(1000000000000) * k, QF::DecimalExponent, "1e12", ""},
      {1000 * k, QF::DecimalExponent, "1e3", ""},
      {3000 * k, QF::DecimalExponent, "3e3", ""},
      {0, QF::DecimalExponent, "0", "00"},
  };
  for (const Row &row : rows) {
    SCOPED_TRACE(row.expect);
    Quantity q = Quantity::fromMilli(row.milli, row.format);
    EXPECT_EQ(q.canonical(), row.expect);
    if (row.milli != 0) {
      EXPECT_EQ(Quantity::fromMilli(-row.milli, row.format).canonical(), std::string("-") + row.expect);
    }
    QuantityParseResult parsed = parseQuantity(row.expect);
    ASSERT_TRUE(parsed.value) << parsed.error;
    EXPECT_EQ(parsed.value->milli, row.milli);
    if (*row.alternate) {
      QuantityParseResult alt = parseQuantity(row.alternate);
      ASSERT_TRUE(alt.value) << row.alternate << ": " << alt.error;
      EXPECT_EQ(alt.value->canonical(), row.expect) << row.alternate;
    }
  }
  // "1000e-12" is 1n in Kubernetes; as a ResourceList value it becomes 1m.
  QuantityParseResult nano = parseQuantity("1000e-12");
  ASSERT_TRUE(nano.value);
  EXPECT_EQ(nano.value->canonical(), "1e-3");
  EXPECT_TRUE(nano.roundedUp);
}

// TestParseQuantity: values around 18-20 digits and the int64 boundaries.
// When the expected string equals the input, Kubernetes serialises the input
// unchanged.
TEST(QuantityTest, KubernetesLargeValues) {
  const std::vector<std::pair<const char *, const char *>> cases = {
      {"-999999999999999999", "-999999999999999999"},
      {"999999999999999999", "999999999999999999"},
      {"-999999999999999999.0", "-999999999999999999"},
      {"999999999999999999.0", "999999999999999999"},
      {"-999999999999999999.1", "-999999999999999999100m"},
      {"999999999999999999.1", "999999999999999999100m"},
      {"-9999999999999999999", "-9999999999999999999"},
      {"9999999999999999999", "9999999999999999999"},
      {"-1E", "-1E"},
      {"1E", "1E"},
      {"-1000000000000000000", "-1E"},
      {"1000000000000000000", "1E"},
      {"-9999999999999999999.0", "-9999999999999999999"},
      {"9999999999999999999.0", "9999999999999999999"},
      {"-1.0E", "-1E"},
      {"1.0E", "1E"},
      {"-1000000000000000000.0", "-1E"},
      {"1000000000000000000.0", "1E"},
      {"-9999999999999999999000m", "-9999999999999999999"},
      {"9999999999999999999000m", "9999999999999999999"},
      {"-9999999999999999999.1", "-9999999999999999999100m"},
      {"9999999999999999999.1", "9999999999999999999100m"},
      {"-1.0000000000000000001E", "-1000000000000000000100m"},
      {"1.0000000000000000001E", "1000000000000000000100m"},
      {"-1000000000000000000.1", "-1000000000000000000100m"},
      {"1000000000000000000.1", "1000000000000000000100m"},
      {"-1.000000000000000001E", "-1000000000000000001"},
      {"1.000000000000000001E", "1000000000000000001"},
      {"-1000000000000000001", "-1000000000000000001"},
      {"1000000000000000001", "1000000000000000001"},
      {"-10E", "-10E"},
      {"10E", "10E"},
      {"-10000000000000000000", "-10E"},
      {"10000000000000000000", "10E"},
      {"-10.0E", "-10E"},
      {"10.0E", "10E"},
      {"-10000000000000000000.0", "-10E"},
      {"10000000000000000000.0", "10E"},
      {"-10000000000000000000000m", "-10E"},
      {"10000000000000000000000m", "10E"},
      {"-10.0000000000000000001E", "-10000000000000000000100m"},
      {"10.0000000000000000001E", "10000000000000000000100m"},
      {"-10000000000000000000.1", "-10000000000000000000100m"},
      {"10000000000000000000.1", "10000000000000000000100m"},
      {"-10.000000000000000001E", "-10000000000000000001"},
      {"10.000000000000000001E", "10000000000000000001"},
      {"-10000000000000000001", "-10000000000000000001"},
      {"10000000000000000001", "10000000000000000001"},
      {"-9223372036854775809", "-9223372036854775809"},
      {"9223372036854775806", "9223372036854775806"},
      {"-9223372036854775809.0", "-9223372036854775809"},
      {"9223372036854775806.0", "9223372036854775806"},
      {"-9223372036854775809000m", "-9223372036854775809"},
      {"9223372036854775806000m", "9223372036854775806"},
      {"-9223372036854775809.1", "-9223372036854775809100m"},
      {"9223372036854775806.1", "9223372036854775806100m"},
      {"-9223372036854775808", "-9223372036854775808"},
      {"9223372036854775807", "9223372036854775807"},
      {"-9223372036854775808.0", "-9223372036854775808"},
      {"9223372036854775807.0", "9223372036854775807"},
      {"-9223372036854775808000m", "-9223372036854775808"},
      {"9223372036854775807000m", "9223372036854775807"},
      {"-9223372036854775808.1", "-9223372036854775808100m"},
      {"9223372036854775807.1", "9223372036854775807100m"},
      {"-9223372036854775807", "-9223372036854775807"},
      {"9223372036854775808", "9223372036854775808"},
      {"-9223372036854775807.0", "-9223372036854775807"},
      {"9223372036854775808.0", "9223372036854775808"},
      {"-9223372036854775807000m", "-9223372036854775807"},
      {"9223372036854775808000m", "9223372036854775808"},
      {"-9223372036854775807.1", "-9223372036854775807100m"},
      {"9223372036854775808.1", "9223372036854775808100m"},
  };
  for (const auto &[input, expect] : cases) {
    QuantityParseResult r = parseQuantity(input);
    ASSERT_TRUE(r.value) << input << ": " << r.error;
    EXPECT_EQ(r.value->canonical(), expect) << input;
    EXPECT_FALSE(r.roundedUp) << input;
  }
}

TEST(QuantityTest, CanonicalFormsFromTheBrief) {
  EXPECT_EQ(describe(parseQuantity("500m")), "500m");
  EXPECT_EQ(describe(parseQuantity("2")), "2");
  EXPECT_EQ(describe(parseQuantity("512Mi")), "512Mi");
  EXPECT_EQ(describe(parseQuantity("1.5Gi")), "1536Mi");
  EXPECT_EQ(describe(parseQuantity("1000")), "1k");
  EXPECT_EQ(describe(parseQuantity("0.5Gi")), "512Mi");
  EXPECT_EQ(parseQuantity("0.5Gi").value->milli, __int128(536870912) * 1000);
  EXPECT_EQ(describe(parseQuantity("1.5Ki")), "1536");
  EXPECT_EQ(describe(parseQuantity("1.5")), "1500m");
  EXPECT_EQ(describe(parseQuantity("1e3")), "1e3");
}

TEST(QuantityTest, BinaryFallsBackToDecimalWhenNotWholeOrBelow1024) {
  EXPECT_EQ(describe(parseQuantity("1023")), "1023");
  EXPECT_EQ(Quantity::fromMilli(1023 * 1000, QF::BinarySI).canonical(), "1023");
  EXPECT_EQ(Quantity::fromMilli(1024 * 1000, QF::BinarySI).canonical(), "1Ki");
  EXPECT_EQ(Quantity::fromMilli(-1024 * 1000, QF::BinarySI).canonical(), "-1Ki");
  EXPECT_EQ(Quantity::fromMilli(-1023 * 1000, QF::BinarySI).canonical(), "-1023");
  EXPECT_EQ(Quantity::fromMilli(1025 * 1000, QF::BinarySI).canonical(), "1025");
  EXPECT_EQ(Quantity::fromMilli(2048 * 1000, QF::BinarySI).canonical(), "2Ki");
  EXPECT_EQ(Quantity::fromMilli(2048 * 1000 + 1, QF::BinarySI).canonical(), "2048001m");
  EXPECT_EQ(Quantity::fromMilli(1536000000, QF::BinarySI).canonical(), "1500Ki");
  // Whole but not a multiple of 1024: BinarySI with an empty suffix, so no
  // decimal suffix either ("2000", not "2k"), as TestQuantityString's
  // {1025 BinarySI, "1025"}. Re-parsed, the text is DecimalSI and prints "2k".
  EXPECT_EQ(Quantity::fromMilli(2000 * 1000, QF::BinarySI).canonical(), "2000");
  EXPECT_EQ(describe(parseQuantity("1.953125Ki")), "2000");
  EXPECT_EQ(describe(parseQuantity("2000")), "2k");
  // 1.5Mi = 1536Ki; 1.5Ki has no whole binary suffix.
  EXPECT_EQ(describe(parseQuantity("1.5Mi")), "1536Ki");
  EXPECT_EQ(describe(parseQuantity("1.5Ti")), "1536Gi");
  EXPECT_EQ(describe(parseQuantity("2.25Gi")), "2304Mi");
  EXPECT_EQ(describe(parseQuantity("1.1Ki")), "1126400m");
  EXPECT_EQ(describe(parseQuantity("-0.5Ki")), "-512");
  EXPECT_EQ(int(parseQuantity("-0.5Ki").value->format), int(QF::BinarySI));
  EXPECT_EQ(int(parseQuantity("0.5Ki").value->format), int(QF::BinarySI));
  // Below one unit the format itself switches (ParseQuantity does this).
  EXPECT_EQ(int(parseQuantity("0.0005Ki").value->format), int(QF::DecimalSI));
  EXPECT_EQ(describe(parseQuantity("0.0005Ki")), "512m");
}

TEST(QuantityTest, DecimalPicksLargestWholeSuffix) {
  EXPECT_EQ(describe(parseQuantity("1500")), "1500");
  EXPECT_EQ(describe(parseQuantity("1500000")), "1500k");
  EXPECT_EQ(describe(parseQuantity("1000000")), "1M");
  EXPECT_EQ(describe(parseQuantity("1000k")), "1M");
  EXPECT_EQ(describe(parseQuantity("0.1")), "100m");
  EXPECT_EQ(describe(parseQuantity("100m")), "100m");
  EXPECT_EQ(describe(parseQuantity("1000m")), "1");
  EXPECT_EQ(describe(parseQuantity("2000m")), "2");
  EXPECT_EQ(describe(parseQuantity("2500m")), "2500m");
  EXPECT_EQ(describe(parseQuantity("1000u")), "1m");
  EXPECT_EQ(describe(parseQuantity("1000000n")), "1m");
  EXPECT_EQ(describe(parseQuantity("0.25")), "250m");
  EXPECT_EQ(describe(parseQuantity("128974848")), "128974848");
  EXPECT_EQ(describe(parseQuantity("129e6")), "129e6");
  EXPECT_EQ(describe(parseQuantity("129M")), "129M");
  EXPECT_EQ(describe(parseQuantity("123Mi")), "123Mi");
  EXPECT_EQ(describe(parseQuantity("007")), "7");
  EXPECT_EQ(describe(parseQuantity("1E3")), "1e3");
  EXPECT_EQ(describe(parseQuantity("1e+3")), "1e3");
  EXPECT_EQ(describe(parseQuantity("1e03")), "1e3");
  EXPECT_EQ(describe(parseQuantity("1e0")), "1");
  EXPECT_EQ(describe(parseQuantity("-0")), "0");
  EXPECT_EQ(describe(parseQuantity("+0.0")), "0");
}

TEST(QuantityTest, BeyondExaUsesExponentNotation) {
  // DecimalSI has no suffix beyond E. Older API servers drop the exponent
  // ("1000E" -> "1", a different value); newer ones print exponent notation.
  EXPECT_EQ(describe(parseQuantity("1000E")), "1e21");
  EXPECT_EQ(describe(parseQuantity("-1000E")), "-1e21");
  EXPECT_EQ(describe(parseQuantity("1500E")), "1500E");
  EXPECT_EQ(describe(parseQuantity("12000E")), "12e21");
  EXPECT_EQ(describe(parseQuantity("1e21")), "1e21");
  // BinarySI has no suffix beyond Ei; only fromMilli can get there.
  const __int128 Ei = __int128(1) << 60;
  EXPECT_EQ(Quantity::fromMilli(Ei * 1024 * 1000, QF::BinarySI).canonical(), "1024Ei");
}

TEST(QuantityTest, BinaryValuesAreCappedAtMaxInt64) {
  for (const char *text : {"8Ei", "9Ei", "9223372036854775807Ki", "8.5Ei", "100000Pi"}) {
    QuantityParseResult r = parseQuantity(text);
    ASSERT_TRUE(r.value) << text;
    EXPECT_TRUE(r.clamped) << text;
    EXPECT_FALSE(r.roundedUp) << text;
    EXPECT_EQ(r.value->canonical(), "9223372036854775807") << text;
  }
  QuantityParseResult neg = parseQuantity("-9Ei");
  ASSERT_TRUE(neg.value);
  EXPECT_TRUE(neg.clamped);
  EXPECT_EQ(neg.value->canonical(), "-9223372036854775807");
  for (const char *text : {"7Ei", "8191Pi", "7.5Ei"}) {
    QuantityParseResult r = parseQuantity(text);
    ASSERT_TRUE(r.value) << text;
    EXPECT_FALSE(r.clamped) << text;
  }
  EXPECT_EQ(describe(parseQuantity("7.5Ei")), "7680Pi");
  // Decimal values are not capped.
  QuantityParseResult big = parseQuantity("10E");
  ASSERT_TRUE(big.value);
  EXPECT_FALSE(big.clamped);
}

TEST(QuantityTest, SubMilliValuesRoundAwayFromZero) {
  struct Row {
    const char *input;
    __int128 milli;
  };
  for (const Row &row : std::vector<Row>{{"0.1m", 1},
                                         {"1.0001", 1001},
                                         {"1.0009", 1001},
                                         {"100u", 1},
                                         {"1001u", 2},
                                         {"-0.1m", -1},
                                         {"-1.0001", -1001},
                                         {"1e-100", 1},
                                         {"1e-99999999", 1},
                                         {"0.0000000000000000000000000000000000000000001", 1},
                                         {"1.2345", 1235}}) {
    QuantityParseResult r = parseQuantity(row.input);
    ASSERT_TRUE(r.value) << row.input;
    EXPECT_EQ(r.value->milli, row.milli) << row.input;
    EXPECT_TRUE(r.roundedUp) << row.input;
  }
  QuantityParseResult exact = parseQuantity("1.000");
  ASSERT_TRUE(exact.value);
  EXPECT_FALSE(exact.roundedUp);
  EXPECT_EQ(exact.value->milli, 1000);
  QuantityParseResult zero = parseQuantity("0.0000000000000000");
  ASSERT_TRUE(zero.value);
  EXPECT_TRUE(zero.value->isZero());
  EXPECT_FALSE(zero.roundedUp);
  QuantityParseResult zeroExp = parseQuantity("0e400");
  ASSERT_TRUE(zeroExp.value);
  EXPECT_TRUE(zeroExp.value->isZero());
}

TEST(QuantityTest, NegativeValuesParse) {
  QuantityParseResult r = parseQuantity("-100m");
  ASSERT_TRUE(r.value);
  EXPECT_EQ(r.value->milli, -100);
  EXPECT_EQ(r.value->canonical(), "-100m");
  EXPECT_EQ(describe(parseQuantity("-1.5Gi")), "-1536Mi");
  EXPECT_EQ(describe(parseQuantity("-1e3")), "-1e3");
}

TEST(QuantityTest, RangeLimits) {
  // 10^35 units is 10^38 milli, the first value past the limit.
  EXPECT_TRUE(parseQuantity("99999999999999999999999999999999999").value);
  EXPECT_EQ(describe(parseQuantity("99999999999999999999999999999999999")), "99999999999999999999999999999999999");
  EXPECT_EQ(describe(parseQuantity("-99999999999999999999999999999999999.999")),
            "-99999999999999999999999999999999999999m");
  for (const char *text : {"100000000000000000000000000000000000", "1e35", "1e400", "100000000000000000E",
                           "123456789012345678901234567890123456789012345678901234567890"}) {
    QuantityParseResult r = parseQuantity(text);
    EXPECT_FALSE(r.value) << text;
    EXPECT_NE(r.error.find("out of range"), std::string::npos) << text << ": " << r.error;
  }
  QuantityParseResult exp = parseQuantity("1e99999999999999999999");
  EXPECT_FALSE(exp.value);
  EXPECT_EQ(exp.error, "exponent out of range in `1e99999999999999999999`");
  // A long fraction is fine as long as the value is in range.
  QuantityParseResult longFraction = parseQuantity("0." + std::string(500, '3'));
  ASSERT_TRUE(longFraction.value);
  EXPECT_EQ(longFraction.value->milli, 334);
  EXPECT_TRUE(longFraction.roundedUp);
}

struct ErrorCase {
  const char *input;
  const char *error;
  const char *suggestion;
};

TEST(QuantityTest, InvalidInputsFromKubernetes) {
  // quantity_test.go's invalid list, and the empty string.
  const std::vector<ErrorCase> cases = {
      {"", "empty quantity", ""},
      {"1.1.M", "malformed number `1.1.M`", ""},
      {"1+1.0M", "malformed number `1+1.0M`", ""},
      {"0.1mi", "unknown suffix `mi`", "did you mean `0.1Mi`?"},
      {"0.1am", "unknown suffix `am`", ""},
      {"aoeu", "malformed quantity `aoeu`", ""},
      {".5i", "unknown suffix `i`", ""},
      {"1i", "unknown suffix `i`", ""},
      {"-3.01i", "unknown suffix `i`", ""},
      {"-3.01e-", "malformed exponent `e-` in `-3.01e-`", ""},
      {" 1", "quantity ` 1` must not contain whitespace", "did you mean `1`?"},
      {"1 ", "quantity `1 ` must not contain whitespace", "did you mean `1`?"},
  };
  for (const ErrorCase &c : cases) {
    QuantityParseResult r = parseQuantity(c.input);
    EXPECT_FALSE(r.value) << c.input;
    EXPECT_EQ(r.error, c.error) << c.input;
    EXPECT_EQ(r.suggestion, c.suggestion) << c.input;
  }
}

TEST(QuantityTest, InvalidInputsWithSuggestions) {
  const std::vector<ErrorCase> cases = {
      {"512MB", "unknown suffix `MB`", "did you mean `512Mi` (binary) or `512M` (decimal)?"},
      {"1GB", "unknown suffix `GB`", "did you mean `1Gi` (binary) or `1G` (decimal)?"},
      {"1gb", "unknown suffix `gb`", "did you mean `1Gi` (binary) or `1G` (decimal)?"},
      {"64KB", "unknown suffix `KB`", "did you mean `64Ki` (binary) or `64k` (decimal)?"},
      {"64kB", "unknown suffix `kB`", "did you mean `64Ki` (binary) or `64k` (decimal)?"},
      {"1K", "unknown suffix `K`", "did you mean `1Ki` (binary) or `1k` (decimal)?"},
      {"2g", "unknown suffix `g`", "did you mean `2Gi` (binary) or `2G` (decimal)?"},
      {"1TB", "unknown suffix `TB`", "did you mean `1Ti` (binary) or `1T` (decimal)?"},
      {"1EB", "unknown suffix `EB`", "did you mean `1Ei` (binary) or `1E` (decimal)?"},
      {"1.5mb", "unknown suffix `mb`", "did you mean `1.5Mi` (binary) or `1.5M` (decimal)?"},
      {"2GiB", "unknown suffix `GiB`", "did you mean `2Gi`?"},
      {"2gi", "unknown suffix `gi`", "did you mean `2Gi`?"},
      {"2KI", "unknown suffix `KI`", "did you mean `2Ki`?"},
      {"2kib", "unknown suffix `kib`", "did you mean `2Ki`?"},
      {"-2MiB", "unknown suffix `MiB`", "did you mean `-2Mi`?"},
      {"5\xC2\xB5", "unknown suffix `\xC2\xB5`", "did you mean `5u`?"},
      {"1,5Gi", "malformed number `1,5Gi`", "did you mean `1.5Gi`?"},
      {"1 Gi", "quantity `1 Gi` must not contain whitespace", "did you mean `1Gi`?"},
      {"1.5.3", "malformed number `1.5.3`", ""},
      {"1e", "malformed exponent `e` in `1e`", ""},
      {"1e+", "malformed exponent `e+` in `1e+`", ""},
      {"1e3.5", "malformed exponent `e3.5` in `1e3.5`", ""},
      {"1e3Mi", "unknown suffix `e3Mi`", ""},
      {"1Ki3", "unknown suffix `Ki3`", ""},
      {"2cores", "unknown suffix `cores`", ""},
      {"Mi", "missing digits in quantity `Mi`", ""},
      {"+", "missing digits in quantity `+`", ""},
      {".", "missing digits in quantity `.`", ""},
      {"-.", "missing digits in quantity `-.`", ""},
      {"--1", "malformed number `--1`", ""},
      {"+-1", "malformed number `+-1`", ""},
  };
  for (const ErrorCase &c : cases) {
    QuantityParseResult r = parseQuantity(c.input);
    EXPECT_FALSE(r.value) << c.input;
    EXPECT_EQ(r.error, c.error) << c.input;
    EXPECT_EQ(r.suggestion, c.suggestion) << c.input;
    EXPECT_FALSE(r.roundedUp) << c.input;
  }
}

TEST(QuantityTest, CompareIgnoresFormat) {
  Quantity gi = *parseQuantity("1Gi").value;
  Quantity mi = *parseQuantity("1024Mi").value;
  Quantity bytes = *parseQuantity("1073741824").value;
  Quantity g = *parseQuantity("1G").value;
  EXPECT_EQ(gi.compare(mi), 0);
  EXPECT_EQ(gi.compare(bytes), 0);
  EXPECT_GT(gi.compare(g), 0);
  EXPECT_LT(g.compare(gi), 0);
  EXPECT_LT(parseQuantity("500m").value->compare(*parseQuantity("0.6").value), 0);
  EXPECT_GT(parseQuantity("1e3").value->compare(*parseQuantity("999").value), 0);
  EXPECT_LT(parseQuantity("-1").value->compare(*parseQuantity("0").value), 0);
  EXPECT_TRUE(parseQuantity("0Gi").value->isZero());
  EXPECT_FALSE(parseQuantity("1m").value->isZero());
  EXPECT_TRUE(Quantity{}.isZero());
  EXPECT_EQ(Quantity{}.canonical(), "0");
}

// Round trip over a spread of values in every format: canonical() always
// parses back to the same value without rounding, and that parse prints a
// fixed point. (It may differ from the first text: a whole BinarySI value
// that is not a multiple of 1024 prints without suffix, "2000", and parses
// back as DecimalSI, "2k"; Kubernetes' storage round trip does the same.)
TEST(QuantityTest, CanonicalRoundTrips) {
  uint64_t state = 0x9E3779B97F4A7C15ull;
  auto next = [&state] {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  };
  const __int128 interesting[] = {1, 999, 1000, 1001, 1024000, 1023999, 1536000, 500, 1000000, 1024 * 1024 * 1000};
  std::vector<__int128> values(std::begin(interesting), std::end(interesting));
  for (int i = 0; i < 3000; ++i) {
    // Below 2^62 units: larger BinarySI values are capped by parsing.
    __int128 v = __int128(next() >> (2 + next() % 62));
    switch (i % 4) {
    case 0: v *= 1000; break;                                 // whole units
    case 1: v = (v % 100000) * 1024 * 1024 * 1000; break;     // whole Mi
    case 2: v = (v % 1000000000) * 1000000 * 1000; break;     // multiples of 1M
    default: break;                                           // arbitrary milli
    }
    values.push_back(v);
  }
  for (__int128 v : values) {
    for (QF f : {QF::DecimalSI, QF::BinarySI, QF::DecimalExponent}) {
      for (__int128 signedV : {v, -v}) {
        Quantity q = Quantity::fromMilli(signedV, f);
        std::string text = q.canonical();
        QuantityParseResult r = parseQuantity(text);
        ASSERT_TRUE(r.value) << text << ": " << r.error;
        ASSERT_EQ(r.value->milli, signedV) << text;
        ASSERT_FALSE(r.roundedUp) << text;
        std::string again = r.value->canonical();
        if (f != QF::BinarySI) {
          ASSERT_EQ(again, text);
        }
        QuantityParseResult r2 = parseQuantity(again);
        ASSERT_TRUE(r2.value) << again;
        ASSERT_EQ(r2.value->milli, signedV) << again;
        ASSERT_EQ(r2.value->canonical(), again);
      }
    }
  }
}

} // namespace
} // namespace rig
