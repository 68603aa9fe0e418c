#include "scenarios/parameter.h"

#include <cmath>

namespace taskscope {

namespace {

QString number(double value)
{
    return QString::number(value, 'g', 12);
}

} // namespace

QString ParameterSpec::rangeText() const
{
    const QString suffix = unit.isEmpty() ? QString() : QLatin1Char(' ') + unit;
    switch (type) {
    case Type::Int:
        return QStringLiteral("an integer %1–%2%3").arg(number(minimum), number(maximum), suffix);
    case Type::Double:
        return QStringLiteral("a number %1–%2%3").arg(number(minimum), number(maximum), suffix);
    case Type::Bool:
        return QStringLiteral("true or false");
    case Type::Choice:
        return QStringLiteral("one of %1").arg(choices.join(QStringLiteral(", ")));
    }
    return {};
}

std::optional<QVariant> ParameterSpec::parse(const QString &text, QString *error) const
{
    const QString trimmed = text.trimmed();
    auto fail = [&]() -> std::optional<QVariant> {
        if (error)
            *error = QStringLiteral("parameter %1 = \"%2\" is not valid: expected %3").arg(name, text, rangeText());
        return std::nullopt;
    };
    switch (type) {
    case Type::Int: {
        bool ok = false;
        const qlonglong value = trimmed.toLongLong(&ok);
        if (!ok || double(value) < minimum || double(value) > maximum)
            return fail();
        return QVariant(value);
    }
    case Type::Double: {
        bool ok = false;
        const double value = trimmed.toDouble(&ok);
        if (!ok || !std::isfinite(value) || value < minimum || value > maximum)
            return fail();
        return QVariant(value);
    }
    case Type::Bool:
        if (trimmed == QLatin1String("true") || trimmed == QLatin1String("1"))
            return QVariant(true);
        if (trimmed == QLatin1String("false") || trimmed == QLatin1String("0"))
            return QVariant(false);
        return fail();
    case Type::Choice:
        if (!choices.contains(trimmed))
            return fail();
        return QVariant(trimmed);
    }
    return fail();
}

std::optional<QVariant> ParameterSpec::validate(const QVariant &value, QString *error) const
{
    return parse(value.toString(), error);
}

} // namespace taskscope
