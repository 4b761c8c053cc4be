import QtQuick
import QtQuick.Controls
import RepoRunner.Tray

// A run or service state as a solid chip with white text: readable on any row, selected or
// not, in light and dark palettes. The colour comes from `tone` (Tone.toneOf in C++), never
// from matching state strings here.
Rectangle {
    id: chip
    property string value: ""
    property int tone: Tone.Neutral
    readonly property color tint: {
        switch (chip.tone) {
        case Tone.Good: return "#1a7f37"
        case Tone.Bad: return "#cf222e"
        case Tone.Busy: return "#0969da"
        default: return "#6e7781"
        }
    }
    implicitWidth: label.implicitWidth + 12
    implicitHeight: label.implicitHeight + 4
    radius: height / 2
    color: tint
    Accessible.role: Accessible.StaticText
    Accessible.name: "state " + chip.value
    Label {
        id: label
        anchors.centerIn: parent
        text: chip.value
        color: "white"
        font.pixelSize: 11
        font.bold: true
    }
}
