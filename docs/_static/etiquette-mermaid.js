// Renders the page's Mermaid diagrams with the local copy of mermaid.js: no network, and it
// works from a file:// URL too. Re-renders when furo's light/dark switch changes the theme.
(function () {
  "use strict";

  function dark() {
    var theme = document.body.dataset.theme;
    if (theme === "dark") return true;
    if (theme === "light") return false;
    return window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches;
  }

  // Light colours: quiet greys for the machine; in the windows' gantt charts blue is an open
  // window, red a late one, grey a period in which the action is held back.
  var LIGHT = {
    primaryColor: "#eef1f5",
    primaryBorderColor: "#56606b",
    primaryTextColor: "#1f2328",
    lineColor: "#56606b",
    textColor: "#1f2328",
    edgeLabelBackground: "#ffffff",
    secondaryColor: "#f4f6f8",
    tertiaryColor: "#ffffff",
    activeTaskBkgColor: "#b9d5f5",
    activeTaskBorderColor: "#2f6db3",
    critBkgColor: "#f3b3a8",
    critBorderColor: "#c0392b",
    doneTaskBkgColor: "#d9dcdf",
    doneTaskBorderColor: "#7d858d",
    taskTextColor: "#1f2328",
    taskTextDarkColor: "#1f2328",
    taskTextOutsideColor: "#1f2328",
    sectionBkgColor: "#f4f6f8",
    altSectionBkgColor: "#ffffff",
    sectionBkgColor2: "#f4f6f8",
    gridColor: "#d0d5da",
    todayLineColor: "transparent",
  };

  var shown = null;

  function render() {
    if (!window.mermaid) return;
    var isDark = dark();
    if (shown === isDark) return;
    shown = isDark;
    var nodes = Array.prototype.slice.call(document.querySelectorAll("pre.mermaid"));
    nodes.forEach(function (node) {
      if (node.dataset.source === undefined) {
        node.dataset.source = node.textContent;
      } else {
        node.removeAttribute("data-processed");
        node.textContent = node.dataset.source;
      }
    });
    window.mermaid.initialize({
      startOnLoad: false,
      securityLevel: "strict",
      theme: isDark ? "dark" : "base",
      themeVariables: isDark ? {} : LIGHT,
      fontFamily: "var(--font-stack)",
      gantt: { useWidth: 900, barHeight: 20, barGap: 6, fontSize: 12, sectionFontSize: 12 },
    });
    window.mermaid.run({ nodes: nodes });
  }

  document.addEventListener("DOMContentLoaded", function () {
    render();
    new MutationObserver(render).observe(document.body, {
      attributes: true,
      attributeFilter: ["data-theme"],
    });
  });
})();
