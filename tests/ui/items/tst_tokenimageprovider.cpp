// The token images of the pattern pages (ui/items/tokenimageprovider.h): a pill of the fill
// colour inside its border, the word in the middle, transparent outside the pill; the size
// asked for in device pixels; a clear warning, and no image, for an id that is not a token.

#include <QTest>

#include "items/tokenimageprovider.h"

#include <QColor>
#include <QImage>
#include <QUrl>

using namespace taskscope;

namespace {

/// Every pixel of @p image in @p area (which must not be empty) is @p colour, to within 2 per channel.
bool allPixelsAre(const QImage &image, const QRect &area, const QColor &colour)
{
    for (int y = area.top(); y <= area.bottom(); ++y) {
        for (int x = area.left(); x <= area.right(); ++x) {
            const QColor pixel = image.pixelColor(x, y);
            if (std::abs(pixel.red() - colour.red()) > 2 || std::abs(pixel.green() - colour.green()) > 2
                || std::abs(pixel.blue() - colour.blue()) > 2 || std::abs(pixel.alpha() - colour.alpha()) > 2)
                return false;
        }
    }
    return true;
}

/// How many pixels of @p image are close to @p colour.
int pixelsLike(const QImage &image, const QColor &colour)
{
    int count = 0;
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x) {
            const QColor pixel = image.pixelColor(x, y);
            count += std::abs(pixel.red() - colour.red()) + std::abs(pixel.green() - colour.green())
                           + std::abs(pixel.blue() - colour.blue()) < 30
                       && pixel.alpha() > 240;
        }
    return count;
}

} // namespace

class TestTokenImageProvider : public QObject
{
    Q_OBJECT

private slots:
    void aRequestIsAFilledPillWithItsBorderAndItsWord()
    {
        TokenImageProvider provider;
        QSize size;
        // 44x22 logical, 2 px border, 12 px text: teal with a dark border and white "GET".
        const QImage image = provider.requestImage(QStringLiteral("44x22/2/12/ff00838f/ff004d40/ffffffff/GET"), &size, {});
        QVERIFY(!image.isNull());
        QCOMPARE(image.size(), QSize(44, 22));
        QCOMPARE(size, QSize(44, 22));
        // The corners are outside the pill: transparent.
        QCOMPARE(image.pixelColor(0, 0).alpha(), 0);
        QCOMPARE(image.pixelColor(43, 21).alpha(), 0);
        // The border on the top edge, halfway along; the fill just inside the left end (the
        // word sits in the middle).
        QVERIFY(allPixelsAre(image, QRect(21, 0, 2, 2), QColor(0x00, 0x4d, 0x40)));
        QVERIFY(allPixelsAre(image, QRect(4, 9, 2, 4), QColor(0x00, 0x83, 0x8f)));
        // The word is there, in white, and only in the middle.
        const QImage middle = image.copy(QRect(8, 3, 28, 16));
        QVERIFY(pixelsLike(middle, Qt::white) > 10);
        QCOMPARE(pixelsLike(image, Qt::white), pixelsLike(middle, Qt::white));
    }

    void aReplyIsHollowWithItsArrowInTheKindsColour()
    {
        TokenImageProvider provider;
        QSize size;
        const QString arrow = QString::fromLatin1(QUrl::toPercentEncoding(QStringLiteral("↩")));
        const QImage image = provider.requestImage(QStringLiteral("44x22/2/12/ff303030/ffffb300/ffffb300/") + arrow, &size, {});
        QVERIFY(!image.isNull());
        QVERIFY(allPixelsAre(image, QRect(4, 9, 2, 4), QColor(0x30, 0x30, 0x30)));
        QVERIFY(pixelsLike(image.copy(QRect(8, 3, 28, 16)), QColor(0xff, 0xb3, 0x00)) > 5);
    }

    void theRequestedSizeIsInDevicePixelsAndEverythingScales()
    {
        TokenImageProvider provider;
        QSize size;
        const QImage image = provider.requestImage(QStringLiteral("44x22/2/12/ff00838f/ff004d40/ffffffff/SET"), &size, QSize(88, 44));
        QCOMPARE(image.size(), QSize(88, 44));
        QCOMPARE(size, QSize(88, 44));
        QCOMPARE(image.pixelColor(0, 0).alpha(), 0);
        // The 2 px border is 4 device pixels now.
        QVERIFY(allPixelsAre(image, QRect(42, 0, 4, 4), QColor(0x00, 0x4d, 0x40)));
        QVERIFY(allPixelsAre(image, QRect(8, 18, 4, 8), QColor(0x00, 0x83, 0x8f)));
    }

    void anIdThatIsNotATokenGivesNoImageAndSaysSo_data()
    {
        QTest::addColumn<QString>("id");
        QTest::newRow("empty") << QString();
        QTest::newRow("too few parts") << QStringLiteral("44x22/2/12/ff00838f");
        QTest::newRow("no size") << QStringLiteral("big/2/12/ff00838f/ff004d40/ffffffff/GET");
        QTest::newRow("zero height") << QStringLiteral("44x0/2/12/ff00838f/ff004d40/ffffffff/GET");
        QTest::newRow("huge") << QStringLiteral("44x5000/2/12/ff00838f/ff004d40/ffffffff/GET");
        QTest::newRow("negative border") << QStringLiteral("44x22/-1/12/ff00838f/ff004d40/ffffffff/GET");
        QTest::newRow("no font size") << QStringLiteral("44x22/2/0/ff00838f/ff004d40/ffffffff/GET");
        QTest::newRow("not a colour") << QStringLiteral("44x22/2/12/teal-ish/ff004d40/ffffffff/GET");
    }
    void anIdThatIsNotATokenGivesNoImageAndSaysSo()
    {
        QFETCH(QString, id);
        TokenImageProvider provider;
        QSize size(-1, -1);
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("image://token/: not a token:")));
        QVERIFY(provider.requestImage(id, &size, {}).isNull());
        QCOMPARE(size, QSize(-1, -1));
    }
};

QTEST_MAIN(TestTokenImageProvider)
#include "tst_tokenimageprovider.moc"
