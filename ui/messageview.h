#pragma once
// The message list: a QListView that says so when a conversation has no messages yet, instead
// of showing a blank area, shows a hand over links in messages, and opens the first link of the
// current message with Enter (the keyboard's way to a link).

#include <QListView>
#include <QUrl>

namespace Tether {

class MessageView : public QListView
{
    Q_OBJECT

public:
    explicit MessageView(QWidget *parent = nullptr);
    void setPlaceholderText(const QString &text);
    QString placeholderText() const { return m_placeholder; }
    // The link under a viewport position, or an empty URL.
    QUrl linkAt(const QPoint &pos) const;

protected:
    void paintEvent(QPaintEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;

private:
    QString m_placeholder;
};

} // namespace Tether
