#pragma once
// The message list: a QListView that says so when a conversation has no messages yet, instead
// of showing a blank area.

#include <QListView>

namespace Tether {

class MessageView : public QListView
{
    Q_OBJECT

public:
    explicit MessageView(QWidget *parent = nullptr);
    void setPlaceholderText(const QString &text);
    QString placeholderText() const { return m_placeholder; }

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    QString m_placeholder;
};

} // namespace Tether
