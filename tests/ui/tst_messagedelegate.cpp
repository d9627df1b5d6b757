// How a message's delivery state is drawn: the words and icon per state in both languages, the
// failed bubble with Retry/Discard that answer clicks, and the colours actually painted.

#include "chatsession.h"
#include "language.h"
#include "messagedelegate.h"
#include "messagemodel.h"

#include <QImage>
#include <QListView>
#include <QSignalSpy>
#include <QTest>

using namespace Tether;
using D = ChatMessage::Delivery;

class tst_MessageDelegate : public QObject
{
    Q_OBJECT

private:
    static ChatMessage message(const QString &id, D delivery, bool outgoing, const QString &from = QStringLiteral("carol"))
    {
        ChatMessage m;
        m.id = id;
        m.conversation = QStringLiteral("lobby");
        m.from = from;
        m.text = QStringLiteral("Message ") + id;
        m.timestamp = QDateTime::currentDateTime();
        m.delivery = delivery;
        m.outgoing = outgoing;
        return m;
    }

private Q_SLOTS:
    void cleanup() { Language::apply(QStringLiteral("en")); }

    void wordsPerState_data()
    {
        QTest::addColumn<QString>("lang");
        QTest::addColumn<int>("delivery");
        QTest::addColumn<QString>("words");
        QTest::addColumn<QString>("icon");
        const struct { D d; const char *en; const char *ru; const char *icon; } rows[] = {
            {D::Queued, "Waiting for connection", "Ждёт соединения", ":/icons/delivery-pending.svg"},
            {D::Sending, "Sending…", "Отправляется…", ":/icons/delivery-pending.svg"},
            {D::Sent, "", "", ":/icons/delivery-sent.svg"},
            {D::Failed, "Not sent", "Не отправлено", ":/icons/delivery-failed.svg"},
            {D::Received, "", "", ""},
        };
        for (const auto &r : rows) {
            QTest::addRow("en-%d", int(r.d)) << QStringLiteral("en") << int(r.d) << QString::fromUtf8(r.en) << QString::fromLatin1(r.icon);
            QTest::addRow("ru-%d", int(r.d)) << QStringLiteral("ru") << int(r.d) << QString::fromUtf8(r.ru) << QString::fromLatin1(r.icon);
        }
    }
    void wordsPerState()
    {
        QFETCH(QString, lang);
        QFETCH(int, delivery);
        QFETCH(QString, words);
        QFETCH(QString, icon);
        QVERIFY(Language::apply(lang));
        QCOMPARE(MessageDelegate::deliveryText(delivery), words);
        QCOMPARE(MessageDelegate::deliveryIconPath(delivery), icon);
        if (!icon.isEmpty())
            QVERIFY2(!QIcon(icon).pixmap(16, 16).isNull(), qPrintable(icon));
    }

    void paintsEachStateAndHandlesRetryDiscard()
    {
        MessageModel model;
        model.resetMessages({
            message(QStringLiteral("r"), D::Received, false, QStringLiteral("alice")),
            message(QStringLiteral("s"), D::Sent, true),
            message(QStringLiteral("q"), D::Queued, true),
            message(QStringLiteral("f"), D::Failed, true),
        });
        QListView view;
        MessageDelegate delegate;
        view.setItemDelegate(&delegate);
        view.setModel(&model);
        view.resize(600, 500);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));

        QStyleOptionViewItem option;
        option.initFrom(view.viewport());
        auto layoutOf = [&](int row) {
            QStyleOptionViewItem o = option;
            o.rect = view.visualRect(model.index(row));
            o.font = view.font();
            return delegate.layout(o, model.index(row));
        };
        // Only the failed message offers Retry / Discard; our messages sit on the right.
        for (int row = 0; row < 3; ++row) {
            QVERIFY(layoutOf(row).retry.isNull());
            QVERIFY(layoutOf(row).discard.isNull());
        }
        const MessageDelegate::Layout failed = layoutOf(3);
        QVERIFY(!failed.retry.isNull());
        QVERIFY(!failed.discard.isNull());
        QVERIFY(!failed.retry.intersects(failed.discard));
        QVERIFY(failed.bubble.contains(failed.discard));
        QVERIFY(layoutOf(1).bubble.center().x() > layoutOf(0).bubble.center().x());
        QVERIFY(layoutOf(2).footerText.contains(QLatin1String("Waiting for connection")));
        QVERIFY(failed.footerText.contains(QLatin1String("Not sent")));

        // Painted colours: incoming grey, ours blue, failed red-tinted.
        const QImage image = view.viewport()->grab().toImage();
        auto colorInside = [&](int row) {
            const QRect b = layoutOf(row).bubble;
            return image.pixelColor(b.left() + 4, b.center().y());
        };
        QCOMPARE(colorInside(0), QColor(0xf0, 0xf1, 0xf4));
        QCOMPARE(colorInside(1), QColor(0xdc, 0xeb, 0xff));
        QCOMPARE(colorInside(3), QColor(0xfd, 0xe8, 0xe6));

        QSignalSpy retry(&delegate, &MessageDelegate::retryRequested);
        QSignalSpy discard(&delegate, &MessageDelegate::discardRequested);
        QTest::mouseClick(view.viewport(), Qt::LeftButton, {}, failed.retry.center());
        QCOMPARE(retry.count(), 1);
        QCOMPARE(retry.at(0).at(0).toString(), QStringLiteral("f"));
        QTest::mouseClick(view.viewport(), Qt::LeftButton, {}, failed.discard.center());
        QCOMPARE(discard.count(), 1);
        QCOMPARE(discard.at(0).at(0).toString(), QStringLiteral("f"));
        // Clicking a sent message's footer does nothing.
        QTest::mouseClick(view.viewport(), Qt::LeftButton, {}, layoutOf(1).footer.center());
        QCOMPARE(retry.count() + discard.count(), 2);
    }

    void groupingAndUpdates()
    {
        MessageModel model;
        ChatMessage a = message(QStringLiteral("1"), D::Received, false, QStringLiteral("alice"));
        ChatMessage b = message(QStringLiteral("2"), D::Received, false, QStringLiteral("alice"));
        ChatMessage c = message(QStringLiteral("3"), D::Received, false, QStringLiteral("bob"));
        ChatMessage late = message(QStringLiteral("4"), D::Received, false, QStringLiteral("bob"));
        late.timestamp = c.timestamp.addSecs(3600);
        model.appendMessages({a, b, c, late});
        QCOMPARE(model.index(0).data(MessageModel::GroupedRole).toBool(), false);
        QCOMPARE(model.index(1).data(MessageModel::GroupedRole).toBool(), true);
        QCOMPARE(model.index(2).data(MessageModel::GroupedRole).toBool(), false);
        QCOMPARE(model.index(3).data(MessageModel::GroupedRole).toBool(), false); // an hour later

        ChatMessage mine = message(QStringLiteral("5"), D::Queued, true);
        model.appendMessages({mine});
        mine.delivery = D::Sent;
        mine.seq = 9;
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        model.appendMessages({mine}); // the server's copy of our message: updated in place
        QCOMPARE(model.rowCount(), 5);
        QCOMPARE(changed.count(), 1);
        QCOMPARE(model.index(4).data(MessageModel::DeliveryRole).toInt(), int(D::Sent));
        model.removeMessage(QStringLiteral("2"));
        QCOMPARE(model.rowCount(), 4);
        QCOMPARE(model.rowOf(QStringLiteral("5")), 3);
        QVERIFY(model.index(3).data(Qt::AccessibleTextRole).toString().contains(QLatin1String("Message 5")));
    }

    // Sizes are cached by row; after every kind of model change each row's size must still equal
    // what a delegate without a cache computes (grouping depends on the previous row).
    void cachedSizesFollowTheModel()
    {
        MessageModel model;
        QListView view;
        view.resize(500, 400);
        view.setModel(&model);
        MessageDelegate delegate;
        view.setItemDelegate(&delegate);
        QStyleOptionViewItem option;
        option.initFrom(&view);
        option.widget = &view;
        option.rect = QRect(0, 0, 480, 0);
        const auto check = [&](const char *step) {
            MessageDelegate fresh;
            for (int row = 0; row < model.rowCount(); ++row) {
                const QModelIndex i = model.index(row);
                if (delegate.sizeHint(option, i) != fresh.sizeHint(option, i))
                    QFAIL(qPrintable(QStringLiteral("%1: row %2 has a stale size").arg(QLatin1String(step)).arg(row)));
            }
        };
        ChatMessage a = message(QStringLiteral("a"), D::Received, false, QStringLiteral("alice"));
        ChatMessage b = message(QStringLiteral("b"), D::Received, false, QStringLiteral("alice"));
        ChatMessage c = message(QStringLiteral("c"), D::Received, false, QStringLiteral("alice"));
        model.appendMessages({a, b});
        check("append");
        const QSize grouped = delegate.sizeHint(option, model.index(1));
        model.appendMessages({c});
        check("append more");
        model.removeMessage(QStringLiteral("a")); // b now leads its group: it gets a header
        check("remove");
        QVERIFY(delegate.sizeHint(option, model.index(0)).height() > grouped.height());
        b.text = QString(400, QLatin1Char('w'));
        model.updateMessage(b); // longer text: taller bubble
        check("update");
        ChatMessage mine = message(QStringLiteral("m"), D::Sending, true);
        model.appendMessages({mine});
        mine.delivery = D::Failed;
        model.updateMessage(mine);
        check("delivery");
        option.rect = QRect(0, 0, 200, 0); // narrower: text wraps more
        check("width");
        model.resetMessages({c, a, b});
        check("reset");
    }
};

QTEST_MAIN(tst_MessageDelegate)
#include "tst_messagedelegate.moc"
