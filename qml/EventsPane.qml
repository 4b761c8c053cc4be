import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import RepoRunner.Tray

// The selected run's events (phases, builds, pulls, probes, restarts, OOM kills), newest at
// the bottom; arrow keys move through them. Event text is shown as plain text.
ColumnLayout {
    id: pane
    spacing: 2
    Label {
        objectName: "eventsTitle"
        text: "Events (" + TrayUi.controller.events.count + ")"
        font.bold: true
    }
    ListView {
        id: events
        objectName: "eventsList"
        Layout.fillWidth: true
        Layout.preferredHeight: 96
        clip: true
        model: TrayUi.controller.events
        activeFocusOnTab: true
        keyNavigationEnabled: true
        currentIndex: -1
        highlight: Rectangle { color: Qt.rgba(0.04, 0.41, 0.85, 0.15) }
        boundsBehavior: Flickable.StopAtBounds
        Accessible.name: "Run events"
        ScrollBar.vertical: ScrollBar {}
        // Deferred, like the log view: positioning inside the insertion creates every row.
        onCountChanged: toEnd.restart()
        Timer {
            id: toEnd
            interval: 0
            onTriggered: events.positionViewAtEnd()
        }
        delegate: RowLayout {
            id: event
            required property string timeText
            required property string service
            required property string message
            width: ListView.view.width
            spacing: 8
            Accessible.role: Accessible.ListItem
            Accessible.name: event.timeText + " " + event.service + " " + event.message
            Label { text: event.timeText; opacity: 0.6; font.family: "monospace"; font.pixelSize: 11 }
            Label {
                text: event.service
                visible: event.service !== ""
                textFormat: Text.PlainText
                font.bold: true
                font.pixelSize: 11
            }
            Label {
                Layout.fillWidth: true
                text: event.message
                textFormat: Text.PlainText
                elide: Text.ElideRight
                font.pixelSize: 11
            }
        }
    }
}
