#include "trace/quantilesketch.h"

#include <algorithm>
#include <cmath>

// Implementation notes
//
// With γ = (1 + α) / (1 − α), α = relativeError, bucket i counts the values in (γ^(i−1), γ^i]
// and stands for 2γ^i / (γ + 1): every value x of the bucket is within α of it, since the
// ratio of that value to x lies in [2 / (γ + 1), 2γ / (γ + 1)) = [1 − α, 1 + α). The k-th
// smallest value lies in the bucket where the running count first reaches k, so the
// nearest-rank quantile is that bucket's value: within α of the exact one. Clamping it into
// [min, max] (kept exactly) only moves it towards the exact value, which lies in there too.
//
// The buckets are dense, from the lowest index seen to the highest. Values are clamped to
// [smallestValue, largestValue] (below: a separate zero count), so an index lies between
// index(smallestValue) and index(largestValue): at α = 1 %, 2188 counters (17.5 KB) at most,
// whatever the number of values.

namespace taskscope {

namespace {

const double s_gamma = (1 + QuantileSketch::relativeError) / (1 - QuantileSketch::relativeError);
const double s_logGamma = std::log(s_gamma);

int indexOf(double value)
{
    return int(std::ceil(std::log(value) / s_logGamma));
}

} // namespace

const std::size_t QuantileSketch::maxBuckets =
    std::size_t(indexOf(QuantileSketch::largestValue) - indexOf(QuantileSketch::smallestValue) + 1);

void QuantileSketch::add(double value)
{
    if (!(value >= 0)) // negative or NaN
        value = 0;
    m_min = m_count ? std::min(m_min, value) : value;
    m_max = m_count ? std::max(m_max, value) : value;
    ++m_count;
    if (value < smallestValue) {
        ++m_zeros;
        return;
    }
    const int index = indexOf(std::min(value, largestValue));
    if (m_buckets.empty()) {
        m_firstIndex = index;
        m_buckets.assign(1, 0);
    } else if (index < m_firstIndex) {
        m_buckets.insert(m_buckets.begin(), std::size_t(m_firstIndex - index), 0);
        m_firstIndex = index;
    } else if (std::size_t(index - m_firstIndex) >= m_buckets.size()) {
        m_buckets.resize(std::size_t(index - m_firstIndex) + 1, 0);
    }
    ++m_buckets[std::size_t(index - m_firstIndex)];
}

double QuantileSketch::bucketValue(int index) const
{
    const double value = 2 * std::pow(s_gamma, index) / (s_gamma + 1);
    return std::clamp(value, m_min, m_max);
}

double QuantileSketch::quantile(double fraction) const
{
    if (m_count == 0)
        return 0;
    const auto rank = std::clamp<std::uint64_t>(std::uint64_t(std::ceil(fraction * double(m_count))), 1, m_count);
    std::uint64_t seen = m_zeros;
    if (seen >= rank)
        return m_min;
    for (std::size_t i = 0; i < m_buckets.size(); ++i) {
        seen += m_buckets[i];
        if (seen >= rank)
            return bucketValue(m_firstIndex + int(i));
    }
    return m_max;
}

void QuantileSketch::forEachBucket(const std::function<void(double, std::uint64_t)> &visit) const
{
    if (m_zeros)
        visit(m_min, m_zeros);
    for (std::size_t i = 0; i < m_buckets.size(); ++i) {
        if (m_buckets[i])
            visit(bucketValue(m_firstIndex + int(i)), m_buckets[i]);
    }
}

void QuantileSketch::clear()
{
    *this = QuantileSketch();
}

} // namespace taskscope
