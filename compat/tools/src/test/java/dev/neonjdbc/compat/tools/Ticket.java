package dev.neonjdbc.compat.tools;

import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A Hibernate entity of the compatibility tests: a support ticket. */
@Entity
@Table(name = "ticket")
public class Ticket {
  @Id @GeneratedValue private Long id;
  private String title;
  private String status;
  private int priority;

  /** For Hibernate. */
  protected Ticket() {}

  /** A new ticket. */
  public Ticket(String title, String status, int priority) {
    this.title = title;
    this.status = status;
    this.priority = priority;
  }

  /** The generated key. */
  public Long getId() {
    return id;
  }

  /** The title. */
  public String getTitle() {
    return title;
  }

  /** {@code open} or {@code closed}. */
  public String getStatus() {
    return status;
  }

  /** Changes the status. */
  public void setStatus(String status) {
    this.status = status;
  }

  /** Lower is more urgent. */
  public int getPriority() {
    return priority;
  }
}
