// Upload page enhancement: drag and drop, a progress bar, and results without a page load.
// Without this script the form posts to /upload and the server renders the same results.
(function () {
  "use strict";

  var form = document.querySelector("[data-upload-form]");
  if (!form || !window.FormData || !window.XMLHttpRequest) {
    return;
  }
  var input = form.querySelector("input[type=file]");
  var dropzone = form.querySelector("[data-dropzone]");
  var hint = form.querySelector("[data-dropzone-hint]");
  var selected = form.querySelector("[data-selected-files]");
  var progress = form.querySelector("[data-progress]");
  var bar = form.querySelector("[data-progress-bar]");
  var progressText = form.querySelector("[data-progress-text]");
  var submit = form.querySelector("[data-submit]");
  var results = document.querySelector("[data-results]");
  var resultsBody = document.querySelector("[data-results-body]");
  var texts = document.querySelector("[data-texts]").dataset;
  var token = document.querySelector("meta[name=csrf-token]").content;

  function cell(row, content) {
    var td = document.createElement("td");
    td.className = "utrecht-table__cell";
    if (typeof content === "string") {
      td.textContent = content;
    } else {
      td.appendChild(content);
    }
    row.appendChild(td);
    return td;
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (match, name) {
      return values[name] === undefined || values[name] === null ? "" : String(values[name]);
    });
  }

  function badge(text, state) {
    var span = document.createElement("span");
    span.className = "utrecht-status-badge ggk-status ggk-status--" + state;
    span.textContent = text;
    return span;
  }

  function showSelection() {
    selected.textContent = "";
    Array.prototype.forEach.call(input.files, function (file) {
      var item = document.createElement("li");
      item.textContent = file.name;
      selected.appendChild(item);
    });
  }

  function showResults(list) {
    resultsBody.textContent = "";
    list.forEach(function (result) {
      var row = document.createElement("tr");
      row.className = "utrecht-table__row";
      var name = cell(row, result.file || texts.noname);
      name.classList.add("ggk-filename");
      if (result.status === "accepted") {
        cell(row, badge(texts.accepted, "delivered"));
        var details = cell(row, fill(texts.details, { type: result.message_type, recipient: result.recipient }) + " ");
        var link = document.createElement("a");
        link.className = "utrecht-link";
        link.href = "/messages/" + encodeURIComponent(result.message_id);
        link.textContent = fill(texts.follow, { id: result.message_id });
        details.appendChild(link);
      } else {
        cell(row, badge(texts.rejected + " (" + result.code + ")", "rejected"));
        var explanation = (result.explanation || result.detail || "");
        if (result.line) {
          explanation += " " + fill(texts.position, { line: result.line, column: result.column });
        }
        cell(row, explanation);
      }
      resultsBody.appendChild(row);
    });
    results.hidden = false;
    results.focus();
  }

  function showProblem(text) {
    showResults([{ status: "rejected", code: "", file: "", explanation: text }]);
  }

  hint.hidden = false;
  input.addEventListener("change", showSelection);
  ["dragenter", "dragover"].forEach(function (name) {
    dropzone.addEventListener(name, function (event) {
      event.preventDefault();
      dropzone.classList.add("ggk-dropzone--active");
    });
  });
  ["dragleave", "drop"].forEach(function (name) {
    dropzone.addEventListener(name, function () {
      dropzone.classList.remove("ggk-dropzone--active");
    });
  });
  dropzone.addEventListener("drop", function (event) {
    event.preventDefault();
    if (event.dataTransfer && event.dataTransfer.files.length) {
      input.files = event.dataTransfer.files;
      showSelection();
    }
  });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (!input.files.length) {
      showProblem(texts.none);
      input.focus();
      return;
    }
    var request = new XMLHttpRequest();
    request.open("POST", form.dataset.api);
    request.setRequestHeader("X-CSRF-Token", token);
    request.setRequestHeader("Accept", "application/json");
    request.upload.addEventListener("progress", function (progressEvent) {
      if (progressEvent.lengthComputable) {
        var percent = Math.round((progressEvent.loaded / progressEvent.total) * 100);
        bar.value = percent;
        bar.textContent = percent + "%";
        progressText.textContent = percent + "%";
      }
    });
    request.addEventListener("load", function () {
      submit.disabled = false;
      var body = null;
      try {
        body = JSON.parse(request.responseText);
      } catch (error) {
        showProblem(texts.failed);
        return;
      }
      if (body.results) {
        showResults(body.results);
        form.reset();
        showSelection();
      } else {
        showProblem(body.detail || texts.failed);
      }
    });
    request.addEventListener("error", function () {
      submit.disabled = false;
      showProblem(texts.failed);
    });
    bar.value = 0;
    progressText.textContent = texts.sending;
    progress.hidden = false;
    submit.disabled = true;
    request.send(new FormData(form));
  });
})();
