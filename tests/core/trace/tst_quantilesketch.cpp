#include <QTest>

#include "trace/quantilesketch.h"

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

using namespace taskscope;

namespace {

/// The exact nearest-rank @p fraction quantile of @p sorted (not empty).
double nearestRank(const std::vector<double> &sorted, double fraction)
{
    const auto rank = std::clamp<std::size_t>(std::size_t(std::ceil(fraction * double(sorted.size()))), 1, sorted.size());
    return sorted[rank - 1];
}

/// @p values' percentiles against the sketch's, each within its stated relative error.
void verifyPercentiles(const QuantileSketch &sketch, std::vector<double> values)
{
    std::sort(values.begin(), values.end());
    for (double fraction : {0.01, 0.25, 0.50, 0.90, 0.95, 0.99, 0.999, 1.0}) {
        const double exact = nearestRank(values, fraction);
        const double sketched = sketch.quantile(fraction);
        QVERIFY2(std::abs(sketched - exact) <= QuantileSketch::relativeError * exact,
                 qPrintable(QStringLiteral("q%1: %2, exact %3").arg(fraction).arg(sketched).arg(exact)));
    }
    QCOMPARE(sketch.min(), values.front());
    QCOMPARE(sketch.max(), values.back());
    QCOMPARE(sketch.count(), values.size());
}

} // namespace

class TestQuantileSketch : public QObject
{
    Q_OBJECT

private slots:
    void aMillionDurationsKeepTheirPercentilesInBoundedCounters()
    {
        // Log-uniform from 1 µs to 100 s: eight decades, the widest spread a run shows.
        std::mt19937_64 random(1);
        std::uniform_real_distribution<double> exponent(-3, 5);
        QuantileSketch sketch;
        std::vector<double> values;
        values.reserve(1'000'000);
        std::size_t bucketsAtTenThousand = 0;
        for (int i = 0; i < 1'000'000; ++i) {
            values.push_back(std::pow(10.0, exponent(random)));
            sketch.add(values.back());
            if (i + 1 == 10'000)
                bucketsAtTenThousand = sketch.bucketCount();
        }
        verifyPercentiles(sketch, values);
        // The counters cover the values' range, not their number: eight decades at 1 % take
        // ln(10⁸) / ln(1.01 / 0.99) ≈ 921 counters, at ten thousand values as at a million.
        const auto forTheRange = std::size_t(std::ceil(std::log(1e8) / std::log(1.01 / 0.99))) + 1;
        QVERIFY2(sketch.bucketCount() <= forTheRange, qPrintable(QString::number(sketch.bucketCount())));
        QVERIFY(sketch.bucketCount() - bucketsAtTenThousand <= 2);
        QVERIFY(sketch.bucketCount() <= QuantileSketch::maxBuckets);
        qInfo("1M values: %zu counters (%zu bytes); at most %zu for any values", sketch.bucketCount(),
              sketch.bucketCount() * sizeof(std::uint64_t), QuantileSketch::maxBuckets);
    }

    void equalValuesAreExact()
    {
        QuantileSketch sketch;
        for (int i = 0; i < 1000; ++i)
            sketch.add(100.0);
        QCOMPARE(sketch.quantile(0.5), 100.0);
        QCOMPARE(sketch.quantile(0.99), 100.0);
        QCOMPARE(sketch.bucketCount(), std::size_t(1));
    }

    void valuesBelowANanosecondShareOneCounter()
    {
        QuantileSketch sketch;
        sketch.add(0);
        sketch.add(-5); // as zero
        sketch.add(1e-9);
        sketch.add(10);
        QCOMPARE(sketch.count(), std::uint64_t(4));
        QCOMPARE(sketch.quantile(0.5), 0.0);
        QCOMPARE(sketch.min(), 0.0);
        QCOMPARE(sketch.quantile(1.0), 10.0);
        QCOMPARE(sketch.bucketCount(), std::size_t(1));
    }

    void anyValueStaysWithinTheMostCounters()
    {
        QuantileSketch sketch;
        sketch.add(QuantileSketch::smallestValue);
        sketch.add(1e300); // counted as largestValue
        QCOMPARE(sketch.bucketCount(), QuantileSketch::maxBuckets);
        QCOMPARE(sketch.max(), 1e300);
    }

    void emptyGivesZeros()
    {
        QuantileSketch sketch;
        QCOMPARE(sketch.quantile(0.5), 0.0);
        QCOMPARE(sketch.min(), 0.0);
        QCOMPARE(sketch.max(), 0.0);
        int visited = 0;
        sketch.forEachBucket([&](double, std::uint64_t) { ++visited; });
        QCOMPARE(visited, 0);
        sketch.add(3);
        sketch.clear();
        QCOMPARE(sketch.count(), std::uint64_t(0));
        QCOMPARE(sketch.bucketCount(), std::size_t(0));
    }
};

QTEST_GUILESS_MAIN(TestQuantileSketch)
#include "tst_quantilesketch.moc"
