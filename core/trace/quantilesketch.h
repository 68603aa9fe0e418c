#pragma once

/// QuantileSketch: the percentiles of a stream of durations in bounded memory, each within a
/// stated relative error of the exact one (a log-bucketed histogram, as DDSketch).
///
/// ```
/// QuantileSketch sketch;                  // relativeError: 1 %
/// sketch.add(12.5);                       // a duration in ms
/// double p95 = sketch.quantile(0.95);     // within 1 % of the exact nearest-rank p95
/// ```

#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

namespace taskscope {

/// Percentiles of non-negative values (durations, in ms) in at most maxBuckets counters,
/// however many values it is given.
class QuantileSketch
{
public:
    /// Every quantile() is within this fraction of the exact nearest-rank value.
    static constexpr double relativeError = 0.01;
    /// Values below this (1 ns, in ms) share one counter, told as the smallest value given:
    /// a duration has no finer grain.
    static constexpr double smallestValue = 1e-6;
    /// Values above this (about 300 years, in ms; more than an int64 of ns holds) count as it.
    static constexpr double largestValue = 1e13;
    /// The most counters it can hold: one per bucket from smallestValue to largestValue.
    static const std::size_t maxBuckets;

    /// Counts @p value (negative counts as zero).
    void add(double value);
    /// The nearest-rank @p fraction quantile (0.5: the median), within relativeError of the
    /// exact one; 0 when empty.
    [[nodiscard]] double quantile(double fraction) const;
    [[nodiscard]] std::uint64_t count() const { return m_count; }
    /// The smallest and largest value given, exactly (0 when empty).
    [[nodiscard]] double min() const { return m_count ? m_min : 0.0; }
    [[nodiscard]] double max() const { return m_count ? m_max : 0.0; }
    /// Counters held now (the memory it uses is this × 8 bytes): at most maxBuckets.
    [[nodiscard]] std::size_t bucketCount() const { return m_buckets.size(); }
    /// Calls @p visit(value, count) for every non-empty bucket, smallest first, with a value
    /// within relativeError of every value counted in it (and within [min(), max()]).
    void forEachBucket(const std::function<void(double, std::uint64_t)> &visit) const;
    void clear();

private:
    [[nodiscard]] double bucketValue(int index) const;

    std::vector<std::uint64_t> m_buckets; ///< m_buckets[i] counts bucket m_firstIndex + i
    int m_firstIndex = 0;
    std::uint64_t m_zeros = 0; ///< values below smallestValue
    std::uint64_t m_count = 0;
    double m_min = 0;
    double m_max = 0;
};

} // namespace taskscope
