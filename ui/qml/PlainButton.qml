import QtQuick
import QtQuick.Controls
import QtQuick.Controls.Material
import QtQuick.Controls.Material.impl

/// A Material button without the elevation shadow. Material draws a raised button's shadow as
/// a layer 200 px wider and taller than the button, blended into every frame. Under a software
/// rasterizer (llvmpipe) those layers, with the toolbar's and the sidebar's, came to about as
/// many pixels as the window; dropping them took the OpenGL frame p50 from 20 to 14.6 ms. The
/// software backend never drew the shadow, so both backends now look alike.
Button {
    id: control

    background: Rectangle {
        implicitWidth: 64
        implicitHeight: control.Material.buttonHeight
        // Square: a 2 px rounding is antialiased, some 110 more triangles a control, which a CPU
        // rasterizer (llvmpipe) sets up one by one on every frame.
        radius: 0
        color: !control.enabled ? control.Material.buttonDisabledColor
                                : control.highlighted ? (control.checked ? control.Material.highlightedCheckedButtonColor
                                                                         : control.Material.highlightedButtonColor)
                                                      : control.Material.buttonColor
        border.width: control.highlighted ? 0 : 1
        border.color: control.Material.dividerColor

        Ripple {
            clipRadius: 0
            width: parent.width
            height: parent.height
            pressed: control.pressed
            anchor: control
            active: control.enabled && (control.down || control.visualFocus || control.hovered)
            color: control.Material.rippleColor
        }
    }
}
