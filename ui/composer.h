#pragma once
// The message input: Enter sends, Shift+Enter starts a new line.

#include <QPlainTextEdit>

namespace Tether {

class Composer : public QPlainTextEdit
{
    Q_OBJECT

public:
    explicit Composer(QWidget *parent = nullptr);
    QSize sizeHint() const override;

Q_SIGNALS:
    void submitted();

protected:
    void keyPressEvent(QKeyEvent *event) override;
};

} // namespace Tether
